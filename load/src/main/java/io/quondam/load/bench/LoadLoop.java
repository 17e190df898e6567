package io.quondam.load.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * A closed-model load: {@code concurrency} threads, each calling its own operation back to back for a fixed time
 * after a warm-up; reports the rate of successful calls and their latency percentiles.
 *
 * <p>The warm-up lasts until the JIT compiler is quiet, not a fixed time: on two cores a compiler still busy with the
 * HTTP path takes a fifth of the CPU, and would be counted as the cost of whichever variant runs first.
 */
final class LoadLoop {
    /** The shortest warm-up. */
    private static final Duration MIN_WARM_UP = Duration.ofSeconds(10);
    /** The longest: a JIT that never settles is reported, and the run measured anyway. */
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(60);
    /** Quiet: the compiler worked less than this share of one core over the last {@link #QUIET_SECONDS}. */
    private static final double QUIET_COMPILE_SHARE = 0.02;
    private static final int QUIET_SECONDS = 6;

    /**
     * Successful calls per second, latency percentiles of every call, the calls that failed, and the CPU time of each
     * part of the stack per successful call while the rate was measured (empty when not asked for), and the mean
     * number of calls the server sent to Redis together (NaN when not known).
     */
    record Result(double perSecond, double p50Ms, double p99Ms, long failures, Map<String, Double> cpuMicrosPerCall,
                  double meanGroup) {
        static Result of(List<Long> latencies, long successes, long failures, Duration duration,
                         Map<String, Double> cpuMicrosPerCall) {
            var sorted = latencies.stream().sorted().toList();
            return new Result(successes / (duration.toNanos() / 1e9), quantile(sorted, 0.50), quantile(sorted, 0.99),
                    failures, cpuMicrosPerCall, Double.NaN);
        }

        Result withMeanGroup(double mean) {
            return new Result(perSecond, p50Ms, p99Ms, failures, cpuMicrosPerCall, mean);
        }

        private static double quantile(List<Long> sorted, double q) {
            return sorted.isEmpty() ? Double.NaN
                    : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
        }
    }

    /** One client's call: true when it succeeded. Each thread gets its own, made by {@code clients}. */
    interface Call {
        boolean call(long sequence) throws Exception;
    }

    /** What one load thread counted inside the measured window. */
    record Tally(List<Long> latencies, long successes, long failures) {
    }

    /** A load thread: runs until {@code window} has ended and counts the calls that began inside it. */
    interface LoadThread {
        Tally run(Window window) throws Exception;
    }

    private LoadLoop() {
    }

    static Result run(int concurrency, Duration duration, IntFunction<Call> clients) throws InterruptedException {
        return run(concurrency, duration, clients, null);
    }

    /** As {@link #run(int, Duration, IntFunction)}, and where the CPU went while the rate was measured. */
    static Result run(int concurrency, Duration duration, IntFunction<Call> clients, CpuAccount cpu)
            throws InterruptedException {
        var threads = new ArrayList<LoadThread>();
        for (int t = 0; t < concurrency; t++) {
            Call call = clients.apply(t);
            threads.add(window -> {
                var latencies = new ArrayList<Long>();
                long successes = 0;
                long failures = 0;
                for (long i = 0; ; i++) {
                    long began = System.nanoTime();
                    if (began >= window.ends) {
                        return new Tally(latencies, successes, failures);
                    }
                    boolean ok;
                    try {
                        ok = call.call(i);
                    } catch (Exception e) {
                        ok = false;
                    }
                    if (began >= window.starts) {
                        latencies.add(System.nanoTime() - began);
                        successes += ok ? 1 : 0;
                        failures += ok ? 0 : 1;
                    }
                }
            });
        }
        return measure(duration, cpu, threads);
    }

    /**
     * Starts the load threads, opens the measured window once the warm-up is over, and sums what they counted in
     * it, with the CPU each part of the stack spent meanwhile when {@code cpu} is given.
     */
    static Result measure(Duration duration, CpuAccount cpu, List<LoadThread> threads) throws InterruptedException {
        var pool = Executors.newFixedThreadPool(threads.size());
        try {
            var window = new Window();
            var futures = new ArrayList<Future<Tally>>();
            for (var thread : threads) {
                futures.add(pool.submit(() -> thread.run(window)));
            }
            awaitQuietCompiler();
            Map<String, Long> cpuBefore = cpu == null ? null : cpu.snapshot();
            window.open(duration);
            var latencies = new ArrayList<Long>();
            long successes = 0;
            long failures = 0;
            for (var future : futures) {
                var tally = future.get();
                latencies.addAll(tally.latencies());
                successes += tally.successes();
                failures += tally.failures();
            }
            var cpuPerCall = cpuBefore == null ? Map.<String, Double>of()
                    : CpuAccount.perRecord(cpuBefore, cpu.snapshot(), successes);
            return Result.of(latencies, successes, failures, duration, cpuPerCall);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load thread failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** When calls count: from the end of the warm-up for the measured duration. */
    static final class Window {
        volatile long starts = Long.MAX_VALUE;
        volatile long ends = Long.MAX_VALUE;

        void open(Duration duration) {
            long now = System.nanoTime();
            ends = now + duration.toNanos();
            starts = now;
        }
    }

    /**
     * Sleeps for the warm-up: at least the minimum, then until the JIT is quiet or the maximum has passed. Quiet is
     * judged over several seconds, because the compiler's time grows only when a compilation ends.
     */
    private static void awaitQuietCompiler() throws InterruptedException {
        var compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            Thread.sleep(MIN_WARM_UP.toMillis());
            return;
        }
        var recent = new ArrayDeque<Long>(); // compilation time at each of the last QUIET_SECONDS seconds
        for (long second = 0; second < MAX_WARM_UP.toSeconds(); second++) {
            recent.addLast(compiler.getTotalCompilationTime());
            if (recent.size() > QUIET_SECONDS) {
                recent.removeFirst();
            }
            if (second >= MIN_WARM_UP.toSeconds() && recent.size() > QUIET_SECONDS - 1
                    && recent.getLast() - recent.getFirst() < QUIET_COMPILE_SHARE * 1000 * (QUIET_SECONDS - 1)) {
                return;
            }
            Thread.sleep(1000);
        }
        System.out.printf("  (the JIT was still compiling after a %d s warm-up)%n", MAX_WARM_UP.toSeconds());
    }
}
