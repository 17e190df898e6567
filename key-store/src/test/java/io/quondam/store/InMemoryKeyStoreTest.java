package io.quondam.store;

/** The contract on the in-memory twin. */
class InMemoryKeyStoreTest extends KeyStoreContract {
    private final InMemoryKeyStore shared = new InMemoryKeyStore();

    @Override
    protected KeyStore newSession() {
        return shared;
    }
}
