package io.quondam.store;

/** A key store operation failed; subclasses say whether retrying later can help. */
public class KeyStoreException extends RuntimeException {
    public KeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public KeyStoreException(String message) {
        super(message);
    }
}
