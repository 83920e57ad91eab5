package com.example.bridge.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Timestamps read back from H2 (OffsetDateTime) and PostgreSQL (Timestamp) as ISO-8601 instants. */
public final class SqlTimes {

    private SqlTimes() {
    }

    public static String isoInstant(Object value) {
        Instant instant = instant(value);
        return instant != null ? instant.toString() : value == null ? null : value.toString();
    }

    public static Instant instant(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime dateTime) {
            return dateTime.toInstant();
        }
        return null;
    }
}
