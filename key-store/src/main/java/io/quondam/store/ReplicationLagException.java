package io.quondam.store;

/**
 * WAIT returned before enough replicas acknowledged this connection's writes. Unlike a replaced connection, the
 * writes are still tracked on the same connection, so asking WAIT again is safe; for example while a replica
 * resynchronises with a freshly promoted master.
 */
public class ReplicationLagException extends ReplicationException {
    public ReplicationLagException(String message) {
        super(message);
    }
}
