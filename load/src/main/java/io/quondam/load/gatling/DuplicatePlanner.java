package io.quondam.load.gatling;

import io.quondam.testdata.PaymentEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;

/**
 * Plans one payment per virtual user: the payment (from {@link PaymentEvents#original}) and how often and in which
 * shapes it is sent again, so that about {@code duplicateRatio} of all records produced are duplicates. The plan of
 * payment {@code i} depends only on the seed and {@code i}, whichever thread asks for it.
 */
public final class DuplicatePlanner {

    /** One record to send: the record key and value of payment {@code paymentId}. */
    public record Send(String paymentId, byte[] recordKey, byte[] value) {
    }

    /** A payment's first send and its resends, in order. */
    public record Plan(Send original, List<Resend> resends) {
        public Plan {
            resends = List.copyOf(resends);
        }
    }

    /** A resend in one shape. */
    public record Resend(DuplicateShape shape, Send send) {
    }

    private final double resendsPerPayment;
    private final Map<DuplicateShape, Integer> weights;
    private final int totalWeight;
    private final int partitions;
    private final long seed;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param duplicateRatio share of all records that are resends, in [0, 0.9]
     * @param partitions partitions of the input topic, so that an {@link DuplicateShape#OTHER_KEY} resend is keyed
     *                   onto another partition than its original (with one partition it cannot be)
     */
    public DuplicatePlanner(double duplicateRatio, Map<DuplicateShape, Integer> weights, int partitions, long seed) {
        if (duplicateRatio < 0 || duplicateRatio > 0.9 || partitions < 1) {
            throw new IllegalArgumentException("need 0 <= duplicateRatio <= 0.9 and partitions >= 1");
        }
        // r = d / (1 + d) resends per payment d gives a share r of resends among all records.
        this.resendsPerPayment = duplicateRatio / (1 - duplicateRatio);
        this.weights = new EnumMap<>(weights);
        this.totalWeight = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (totalWeight <= 0) {
            throw new IllegalArgumentException("at least one duplicate shape needs a weight above 0");
        }
        this.partitions = partitions;
        this.seed = seed;
    }

    /** The plan of the next payment. */
    public Plan next() {
        return plan(next.getAndIncrement());
    }

    /** The plan of payment {@code index}. */
    public Plan plan(int index) {
        var event = PaymentEvents.original(seed, index);
        var original = new Send(event.paymentId(), event.recordKey(), event.value());
        var random = new SplittableRandom(seed * 7_919L + index);
        int count = (int) resendsPerPayment + (random.nextDouble() < resendsPerPayment % 1 ? 1 : 0);
        var resends = new ArrayList<Resend>(count);
        for (int r = 0; r < count; r++) {
            DuplicateShape shape = pick(random.nextInt(totalWeight));
            byte[] key = shape == DuplicateShape.OTHER_KEY ? otherKey(event.paymentId(), r) : event.recordKey();
            resends.add(new Resend(shape, new Send(event.paymentId(), key, event.value())));
        }
        return new Plan(original, resends);
    }

    /** The partition Kafka's default partitioner picks for a keyed record. */
    public static int partitionOf(byte[] recordKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(recordKey)) % partitions;
    }

    private DuplicateShape pick(int ticket) {
        int sum = 0;
        for (var weight : weights.entrySet()) {
            sum += weight.getValue();
            if (ticket < sum) {
                return weight.getKey();
            }
        }
        throw new IllegalStateException("ticket " + ticket + " beyond total weight " + totalWeight);
    }

    private byte[] otherKey(String paymentId, int resend) {
        int home = partitionOf(paymentId.getBytes(StandardCharsets.UTF_8), partitions);
        for (int attempt = 0; ; attempt++) {
            byte[] key = (paymentId + "/resend-" + resend + "-" + attempt).getBytes(StandardCharsets.UTF_8);
            if (partitions == 1 || partitionOf(key, partitions) != home) {
                return key;
            }
        }
    }
}
