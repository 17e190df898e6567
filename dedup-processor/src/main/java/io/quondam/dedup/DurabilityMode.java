package io.quondam.dedup;

/** When the processor makes sure its Redis claims reached replicas (WAIT), so that a failover cannot lose them. */
public enum DurabilityMode {
    /** Once per stream thread, right before its Kafka transaction commits. */
    PER_COMMIT,
    /** After each claim, before the record is forwarded. Slowest, smallest window. */
    PER_RECORD,
    /** Never: a failover may lose claims acknowledged by the old master (the local guard store still helps). */
    NONE
}
