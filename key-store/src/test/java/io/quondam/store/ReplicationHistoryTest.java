package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A new master holds the confirmed writes iff it continues their history past the confirmed offset. */
class ReplicationHistoryTest {
    private static final ReplicationHistory CONFIRMED = new ReplicationHistory("aaaa", 1_000);

    private static String info(String replid, String replid2, long secondOffset) {
        return "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:" + replid + "\r\nmaster_replid2:"
                + replid2 + "\r\nmaster_repl_offset:5000\r\nsecond_repl_offset:" + secondOffset + "\r\n";
    }

    @Test
    void shouldHoldOnTheSameHistory() {
        assertThat(CONFIRMED.heldBy(info("aaaa", "0000", -1))).isEqualTo(ReplicationHistory.Verdict.HOLDS);
    }

    /** A replica promoted at offset 1,000 starts its own history at 1,001: it holds byte 1,000. */
    @Test
    void shouldHoldOnAHistoryThatContinuesPastTheConfirmedOffset() {
        assertThat(CONFIRMED.heldBy(info("bbbb", "aaaa", 1_001))).isEqualTo(ReplicationHistory.Verdict.HOLDS);
    }

    @Test
    void shouldLackWhatWasConfirmedAfterThePromotedReplicaStoppedReading() {
        assertThat(CONFIRMED.heldBy(info("bbbb", "aaaa", 1_000))).isEqualTo(ReplicationHistory.Verdict.LACKS);
        assertThat(CONFIRMED.heldBy(info("bbbb", "aaaa", 17))).isEqualTo(ReplicationHistory.Verdict.LACKS);
    }

    @Test
    void shouldNotTellAfterTwoFailoversOrAnEmptyRestart() {
        assertThat(CONFIRMED.heldBy(info("cccc", "bbbb", 3_000))).isEqualTo(ReplicationHistory.Verdict.UNKNOWN);
        assertThat(ReplicationHistory.NONE.isKnown()).isFalse();
        assertThat(ReplicationHistory.idOf(info("cccc", "bbbb", 3_000))).isEqualTo("cccc");
    }
}
