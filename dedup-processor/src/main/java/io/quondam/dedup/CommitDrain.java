package io.quondam.dedup;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that holds nothing: Kafka Streams calls its {@code flushCache} while a task prepares its commit, before the
 * task's output is flushed and the transaction commits, on the stream thread. The claim processor claims its partial
 * batch there, so no record waits for a claim across a commit. Internal API of Kafka Streams 4.4 (pinned).
 */
final class CommitDrain implements StateStore, CachedStateStore<Object, Object> {
    private final String name;
    private Runnable beforeCommit = () -> { };
    private boolean open;

    CommitDrain(String name) {
        this.name = name;
    }

    void beforeCommit(Runnable drain) {
        this.beforeCommit = drain;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds the store; it keeps nothing, so it has neither changelog nor cache. */
    static StoreBuilder<CommitDrain> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitDrain> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitDrain> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitDrain> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<CommitDrain> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitDrain build() {
                return new CommitDrain(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
