package io.quondam.payments;

/** Where the ledger database is and how to log in; the password stays out of toString. */
public record DatabaseEndpoint(String jdbcUrl, String user, String password) {

    @Override
    public String toString() {
        return jdbcUrl + " as " + user;
    }
}
