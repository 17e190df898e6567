package io.quondam.keyapi;

import io.quondam.store.KeyOperation;
import io.quondam.store.KeyStore;
import java.util.concurrent.CompletableFuture;

/** The key store as the routes use it: an operation is submitted and answered later, off the HTTP thread. */
public interface KeyOperations {

    <T> CompletableFuture<T> submit(KeyOperation<T> operation);

    /** Each operation run at once on the caller's thread: for stores that answer from memory (tests). */
    static KeyOperations direct(KeyStore store) {
        return new KeyOperations() {
            @Override
            public <T> CompletableFuture<T> submit(KeyOperation<T> operation) {
                try {
                    return CompletableFuture.completedFuture(operation.runOn(store));
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }
}
