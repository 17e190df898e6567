package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.testdata.PaymentEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void shouldRoundTripCountsAndUniqueIds() throws Exception {
        var events = PaymentEvents.generate(1_000, 0.30, 0.02, 7);
        var manifest = Manifest.of(events, 7);

        manifest.write(dir.resolve("m.txt"));
        var read = Manifest.read(dir.resolve("m.txt"));

        assertThat(read).isEqualTo(manifest);
        assertThat(read.produced()).isEqualTo(1_000);
        assertThat(read.duplicates()).isEqualTo(300);
        assertThat(read.malformed()).isEqualTo(20);
        assertThat(read.unique()).isEqualTo(680);
    }

    @Test
    void shouldRefuseTruncatedManifest() throws Exception {
        var file = dir.resolve("m.txt");
        Manifest.of(PaymentEvents.generate(10, 0.3, 1), 1).write(file);
        var lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, lines.size() - 1));

        assertThatThrownBy(() -> Manifest.read(file)).hasMessageContaining("truncated");
    }

    @Test
    void shouldDemandExactlyOnceForTheVerdict() {
        var clean = new VerificationReport(100, 70, 70, 25, 5, 70, 0, 0, List.of());
        var leaky = new VerificationReport(100, 70, 71, 24, 5, 70, 1, 0, List.of());
        var lossy = new VerificationReport(100, 70, 69, 25, 5, 69, 0, 1, List.of("pay-1"));

        assertThat(clean.exactlyOnce()).isTrue();
        assertThat(leaky.exactlyOnce()).isFalse();
        assertThat(lossy.exactlyOnce()).isFalse();
        assertThat(lossy.human()).contains("NOT EXACTLY ONCE", "pay-1");
        assertThat(clean.toJson()).isEqualTo("{\"produced\":100,\"uniquePayments\":70,\"forwarded\":70,"
                + "\"duplicatesDropped\":25,\"deadLettered\":5,\"ledgerRows\":70,\"leakedDuplicates\":0,\"lost\":0}");
    }
}
