package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TenantTokensTest {

    @Test
    void shouldMapPlainAndHashedTokensToTenants() {
        String digest = HexFormat.of().formatHex(TenantTokens.sha256("s3cret"));
        var tokens = TenantTokens.of("acme=t-1, globex=sha256:" + digest.toUpperCase());

        assertThat(tokens.tenantOf("t-1")).contains("acme");
        assertThat(tokens.tenantOf("s3cret")).contains("globex");
        assertThat(tokens.tenantOf("sha256:" + digest)).isEmpty();
        assertThat(tokens.tenantOf("")).isEmpty();
    }

    @Test
    void shouldReportBadEntriesWithoutEchoingTokens() {
        var problems = new ArrayList<String>();

        var tokens = TenantTokens.parse("acme,=x,bad tenant=tok,globex=sha256:abc,ok=fine", problems);

        assertThat(problems).hasSize(4);
        assertThat(String.join(" ", problems)).doesNotContain("fine").doesNotContain("tok,");
        assertThat(tokens.tenantOf("fine")).contains("ok");
    }
}
