package io.mysqlha.failover.core;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryGuardTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Nodes.T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final RecoveryGuard guard = new RecoveryGuard(clock, Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void shouldAllowOneRecoveryInFlight() {
        assertTrue(guard.tryStart("r1", Recovery.PROMOTE).isEmpty());
        assertEquals("recovery r1 is in flight", guard.tryStart("r2", Recovery.REJOIN).orElseThrow());
        guard.ended("r1", Recovery.PROMOTE, true);
        assertTrue(guard.tryStart("r2", Recovery.REJOIN).isEmpty(), "a rejoin is not held by the block window");
    }

    @Test
    void shouldBlockASecondPromotionWithinTheWindow() {
        guard.tryStart("r1", Recovery.PROMOTE);
        guard.ended("r1", Recovery.PROMOTE, true);
        now.set(Nodes.T0.plusSeconds(29));
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).orElseThrow().startsWith("blocked until"));
        now.set(Nodes.T0.plusSeconds(30));
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).isEmpty());
    }

    @Test
    void shouldClearTheWindowWhenAnOperatorAcknowledges() {
        guard.tryStart("r1", Recovery.PROMOTE);
        guard.ended("r1", Recovery.PROMOTE, true);
        guard.acknowledge();
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).isEmpty());
    }

    @Test
    void shouldBlockFromARestoredPromotion() {
        guard.promotionEndedAt("elsewhere", Nodes.T0.minusSeconds(10));
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).orElseThrow().contains("elsewhere"));
    }

    @Test
    void shouldRetryAFailedPromotionSoonWithoutTheBlockWindow() {
        guard.tryStart("r1", Recovery.PROMOTE);
        guard.ended("r1", Recovery.PROMOTE, false);
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).orElseThrow().startsWith("the last promotion failed"));
        now.set(Nodes.T0.plusSeconds(5));
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).isEmpty());
    }

    @Test
    void shouldLetASwitchoverWaitOnlyForARecoveryInFlight() {
        guard.tryStart("r1", Recovery.PROMOTE);
        guard.ended("r1", Recovery.PROMOTE, true);
        assertTrue(guard.tryStart("s1", Recovery.SWITCHOVER).isEmpty());
        assertTrue(guard.tryStart("r2", Recovery.PROMOTE).orElseThrow().contains("in flight"));
    }
}
