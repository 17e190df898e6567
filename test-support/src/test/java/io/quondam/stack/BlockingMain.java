package io.quondam.stack;

/** A main class that runs until it is killed, standing in for a service in a child JVM. */
public final class BlockingMain {

    private BlockingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("running with QUONDAM_BOOTSTRAP_SERVERS=" + System.getenv("QUONDAM_BOOTSTRAP_SERVERS"));
        Thread.currentThread().join();
    }
}
