package io.quondam.keyapi;

import io.quondam.store.KeyClaim;
import io.quondam.store.KeyOperation;
import io.quondam.store.KeyState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims that found their key IN_PROGRESS for another owner and asked to wait ({@code Prefer: wait=N}). One thread
 * looks at every waited key together, once per tick: one status read per distinct key, submitted at once so that
 * they travel in one group (not a poll per request). When a key is no longer held by the owner that held it, the
 * waiting claims are sent again and answered with what they get: the stored response of a completed key, or the key
 * itself if it was released or expired. A claim whose wait ends first gets the in-progress answer it would have got
 * at once.
 */
final class CompletionWaits implements AutoCloseable {
    private record Waiter(KeyOperation.ClaimKey claim, KeyClaim.InProgress seen, long deadlineNanos,
                          CompletableFuture<KeyClaim> answer) {
    }

    private record WaitedKey(String namespace, String key) {
    }

    private final KeyOperations store;
    private final Map<WaitedKey, List<Waiter>> waiting = new HashMap<>();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicInteger waitingClaims = new AtomicInteger();
    private final ScheduledExecutorService ticker;

    CompletionWaits(KeyOperations store, Duration tick) {
        this.store = store;
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "quondam-completion-waits");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::check, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The answer to {@code claim}, which found {@code seen}, once the key changes hands or {@code wait} has passed. */
    CompletableFuture<KeyClaim> await(KeyOperation.ClaimKey claim, KeyClaim.InProgress seen, Duration wait) {
        var answer = new CompletableFuture<KeyClaim>();
        waitingClaims.incrementAndGet();
        answer.whenComplete((answered, failure) -> waitingClaims.decrementAndGet());
        var waiter = new Waiter(claim, seen, System.nanoTime() + wait.toNanos(), answer);
        synchronized (waiting) {
            waiting.computeIfAbsent(new WaitedKey(claim.namespace(), claim.key()), k -> new ArrayList<>()).add(waiter);
        }
        return answer;
    }

    /** Claims waiting now, from the moment they start to wait until they are answered. */
    int waiting() {
        return waitingClaims.get();
    }

    /** One status read per waited key; skipped while the previous tick's reads are still out. */
    private void check() {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        Map<WaitedKey, List<Waiter>> snapshot;
        synchronized (waiting) {
            snapshot = new HashMap<>(waiting);
            waiting.clear();
        }
        var reads = new ArrayList<CompletableFuture<?>>();
        long now = System.nanoTime();
        snapshot.forEach((key, waiters) -> {
            var live = new ArrayList<Waiter>();
            for (var waiter : waiters) {
                if (now - waiter.deadlineNanos() >= 0) {
                    waiter.answer().complete(waiter.seen()); // the wait is over: answered as it was
                } else {
                    live.add(waiter);
                }
            }
            if (!live.isEmpty()) {
                reads.add(store.submit(new KeyOperation.Status(key.namespace(), key.key()))
                        .handle((status, failure) -> {
                            for (var waiter : live) {
                                boolean stillHeld = failure != null || status.isPresent()
                                        && status.get().state() == KeyState.IN_PROGRESS
                                        && status.get().owner().equals(waiter.seen().existingOwner());
                                if (stillHeld) {
                                    requeue(key, List.of(waiter)); // a failed read is no answer: next tick
                                } else {
                                    claimAgain(waiter);
                                }
                            }
                            return null;
                        }));
            }
        });
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).whenComplete((done, failure) ->
                checking.set(false));
    }

    private void requeue(WaitedKey key, List<Waiter> waiters) {
        synchronized (waiting) {
            waiting.computeIfAbsent(key, k -> new ArrayList<>()).addAll(waiters);
        }
    }

    /** The key changed: the claim again, and its answer, unless another owner took the key meanwhile (wait on). */
    private void claimAgain(Waiter waiter) {
        store.submit(waiter.claim()).whenComplete((claim, failure) -> {
            if (failure != null) {
                waiter.answer().completeExceptionally(failure);
            } else if (claim instanceof KeyClaim.InProgress busy && System.nanoTime() < waiter.deadlineNanos()) {
                requeue(new WaitedKey(waiter.claim().namespace(), waiter.claim().key()),
                        List.of(new Waiter(waiter.claim(), busy, waiter.deadlineNanos(), waiter.answer())));
            } else {
                waiter.answer().complete(claim);
            }
        });
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        synchronized (waiting) {
            waiting.values().forEach(waiters -> waiters.forEach(w -> w.answer().complete(w.seen())));
            waiting.clear();
        }
    }
}
