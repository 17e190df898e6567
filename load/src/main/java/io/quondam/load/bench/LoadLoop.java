package io.quondam.load.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * A closed-model load: {@code concurrency} threads, each calling its own operation back to back for a fixed time
 * after a warm-up; reports the rate of successful calls and their latency percentiles.
 */
final class LoadLoop {
    /** Long enough on two cores for the JIT to compile the HTTP path before anything is measured. */
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    /**
     * Successful calls per second, latency percentiles of every call, the calls that failed, and the CPU time of each
     * part of the stack per successful call while the rate was measured (empty when not asked for).
     */
    record Result(double perSecond, double p50Ms, double p99Ms, long failures, Map<String, Double> cpuMicrosPerCall) {
        static Result of(List<Long> latencies, long successes, long failures, Duration duration,
                         Map<String, Double> cpuMicrosPerCall) {
            var sorted = latencies.stream().sorted().toList();
            return new Result(successes / (duration.toNanos() / 1e9), quantile(sorted, 0.50), quantile(sorted, 0.99),
                    failures, cpuMicrosPerCall);
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

    private record ThreadResult(List<Long> latencies, long successes, long failures) {
    }

    private LoadLoop() {
    }

    static Result run(int concurrency, Duration duration, IntFunction<Call> clients) throws InterruptedException {
        return run(concurrency, duration, clients, null);
    }

    /** As {@link #run(int, Duration, IntFunction)}, and where the CPU went while the rate was measured. */
    static Result run(int concurrency, Duration duration, IntFunction<Call> clients, CpuAccount cpu)
            throws InterruptedException {
        var pool = Executors.newFixedThreadPool(concurrency);
        try {
            long warmEnds = System.nanoTime() + WARM_UP.toNanos();
            long ends = warmEnds + duration.toNanos();
            var futures = new ArrayList<Future<ThreadResult>>();
            for (int t = 0; t < concurrency; t++) {
                Call call = clients.apply(t);
                Callable<ThreadResult> loop = () -> {
                    var latencies = new ArrayList<Long>();
                    long successes = 0;
                    long failures = 0;
                    for (long i = 0; ; i++) {
                        long began = System.nanoTime();
                        if (began >= ends) {
                            return new ThreadResult(latencies, successes, failures);
                        }
                        boolean ok;
                        try {
                            ok = call.call(i);
                        } catch (Exception e) {
                            ok = false;
                        }
                        if (began >= warmEnds) {
                            latencies.add(System.nanoTime() - began);
                            successes += ok ? 1 : 0;
                            failures += ok ? 0 : 1;
                        }
                    }
                };
                futures.add(pool.submit(loop));
            }
            Map<String, Long> cpuBefore = null;
            if (cpu != null) {
                Thread.sleep(Math.max(0, (warmEnds - System.nanoTime()) / 1_000_000));
                cpuBefore = cpu.snapshot();
            }
            var latencies = new ArrayList<Long>();
            long successes = 0;
            long failures = 0;
            for (var future : futures) {
                var result = future.get();
                latencies.addAll(result.latencies());
                successes += result.successes();
                failures += result.failures();
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
}
