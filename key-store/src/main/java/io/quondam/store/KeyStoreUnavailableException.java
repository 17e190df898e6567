package io.quondam.store;

/**
 * Redis could not be reached, or refused writes (failover, READONLY, NOREPLICAS), for longer than the retry policy
 * allows. Nothing was claimed by the failed call as far as the caller may assume: fail closed and try again later.
 */
public class KeyStoreUnavailableException extends KeyStoreException {
    public KeyStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
