package com.example.bridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageEngineHealthCheckTest {

    private final MovableClock clock = new MovableClock();
    private final StorageEngineHealthCheck check = new StorageEngineHealthCheck(clock);

    @BeforeEach
    void bindToCamel() {
        check.setCamelContext(new DefaultCamelContext());
    }

    @Test
    void is_a_liveness_check_only() {
        assertEquals(true, check.isLiveness());
        assertEquals(false, check.isReadiness());
    }

    @Test
    void a_stray_storage_failure_keeps_it_up() {
        record(StorageEngineHealthCheck.FAILURES_TO_GO_DOWN - 1, h2StorageFailure());
        assertEquals(HealthCheck.State.UP, check.call().getState());
    }

    @Test
    void repeated_storage_failures_take_it_down_until_they_age_out() {
        record(StorageEngineHealthCheck.FAILURES_TO_GO_DOWN, h2StorageFailure());
        assertEquals(HealthCheck.State.DOWN, check.call().getState());

        clock.advance(StorageEngineHealthCheck.WINDOW_MILLIS + 1);
        assertEquals(HealthCheck.State.UP, check.call().getState());
    }

    @Test
    void other_database_failures_do_not_count() {
        record(100, new SQLException("Connection refused", "08001"));
        assertEquals(HealthCheck.State.UP, check.call().getState());
    }

    private void record(int times, Exception failure) {
        for (int i = 0; i < times; i++) {
            check.record(failure);
            clock.advance(100);
        }
    }

    /** As the delivery poll saw it: the JDBC error wraps H2's storage exception. */
    private static Exception h2StorageFailure() {
        return new SQLException("General error", "HY000", 50000, DataUtils.newMVStoreException(9, "Chunk {0} not found", 4101));
    }

    private static final class MovableClock extends Clock {
        private long millis = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli();

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
