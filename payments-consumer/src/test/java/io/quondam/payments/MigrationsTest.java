package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void shouldShipEveryNamedScriptInVersionOrder() {
        int previous = 0;
        for (String script : Migrations.SCRIPTS) {
            assertThat(Migrations.class.getResource("/db/migration/" + script)).as(script).isNotNull();
            assertThat(Migrations.version(script)).isGreaterThan(previous);
            previous = Migrations.version(script);
        }
    }
}
