package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class OutputLimitTest {

    /** The producer refuses a record by this estimate (KafkaProducer.ensureValidRecordSize): ours must equal it. */
    @Property(tries = 300)
    void shouldCountARecordAsTheProducerDoes(@ForAll @IntRange(min = -1, max = 70_000) int keyLength,
                                            @ForAll @IntRange(min = -1, max = 300_000) int valueLength,
                                            @ForAll @IntRange(min = 0, max = 40) int headerCount,
                                            @ForAll String headerName) {
        byte[] key = keyLength < 0 ? null : new byte[keyLength];
        byte[] value = valueLength < 0 ? null : new byte[valueLength];
        var headers = new RecordHeaders();
        for (int i = 0; i < headerCount; i++) {
            headers.add(headerName + i, i % 3 == 0 ? null : new byte[i * 37]);
        }
        var record = new Record<>(key, value, 0L, headers);

        int producers = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE, key, value, headers.toArray());

        assertThat(OutputLimit.sizeOf(record)).isEqualTo(producers);
    }

    @Provide
    Arbitrary<String> anyUtf16() {
        return Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40);
    }

    /** Lone surrogates included: the encoder writes them as '?', one byte. */
    @Property(tries = 500)
    void shouldCountUtf8BytesAsTheEncoderWrites(@ForAll("anyUtf16") String text) {
        assertThat(OutputLimit.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void shouldTakeTheProducersLimitFromPrefixedThenPlainSettingsThenItsDefault() {
        assertThat(OutputLimit.of(Map.of()).maxBytes()).isEqualTo(1024 * 1024);
        assertThat(OutputLimit.of(Map.of("max.request.size", "5000")).maxBytes()).isEqualTo(5000);
        assertThat(OutputLimit.of(Map.of("max.request.size", "5000", "producer.max.request.size", "6000"))
                .maxBytes()).isEqualTo(6000);
        assertThat(OutputLimit.of(Map.of("buffer.memory", "4500")).maxBytes()).isEqualTo(4500);
    }

    @Test
    void shouldNotFitOneByteOverTheLimit() {
        var record = new Record<>(new byte[10], new byte[1000], 0L, new RecordHeaders(new Header[0]));
        int size = OutputLimit.sizeOf(record);

        assertThat(new OutputLimit(size).fits(record)).isTrue();
        assertThat(new OutputLimit(size - 1).fits(record)).isFalse();
    }
}
