package io.quondam.load;

import io.quondam.stack.FaultProxy;
import io.quondam.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A {@link FaultProxy} in front of each Redis data node, and the {@code QUONDAM_REDIS_ADDRESS_MAP} that sends the
 * processors through them: Sentinels, replicas and the other services still reach Redis directly, so a fault here
 * cuts or slows only the processors' claims, whichever node is master.
 */
final class RedisProxies implements AutoCloseable {
    private final List<FaultProxy> proxies;
    private final String addressMap;

    private RedisProxies(List<FaultProxy> proxies, String addressMap) {
        this.proxies = proxies;
        this.addressMap = addressMap;
    }

    static RedisProxies start(LocalStack stack) {
        var ports = stack.options().redisPorts();
        var proxies = ports.stream().map(port -> FaultProxy.start("127.0.0.1", port)).toList();
        String map = IntStream.range(0, ports.size())
                .mapToObj(i -> "127.0.0.1:" + ports.get(i) + "=" + proxies.get(i).address())
                .collect(Collectors.joining(","));
        return new RedisProxies(proxies, map);
    }

    static RedisProxies none() {
        return new RedisProxies(List.of(), "");
    }

    String addressMap() {
        return addressMap;
    }

    void blackhole() {
        proxies.forEach(FaultProxy::blackhole);
    }

    void delay(Duration latency) {
        proxies.forEach(proxy -> proxy.delay(latency));
    }

    void pass() {
        proxies.forEach(FaultProxy::pass);
    }

    @Override
    public void close() {
        proxies.forEach(FaultProxy::close);
    }
}
