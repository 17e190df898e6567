package io.quondam.store;

/**
 * A Redis Cluster node answered MOVED or ASK: the key's slot is served, or being moved, elsewhere. The command did
 * not run; the cluster key store sends the operation again where the refreshed slot map says.
 */
final class ClusterRedirectException extends KeyStoreException {
    ClusterRedirectException(String message, Throwable cause) {
        super(message, cause);
    }
}
