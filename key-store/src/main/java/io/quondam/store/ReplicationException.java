package io.quondam.store;

/**
 * Claims made through this store could not be confirmed as replicated: WAIT saw too few replicas, timed out,
 * or the connection that made them was replaced. The caller must not commit anything that depends on them.
 */
public class ReplicationException extends KeyStoreException {
    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
