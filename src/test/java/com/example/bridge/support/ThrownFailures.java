package com.example.bridge.support;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.camel.Header;
import org.apache.camel.RuntimeCamelException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * Failures as the database layer raises them, cause chains included, for a test route that joins api-errors: the
 * real outages behind them (a restart mid-write, a refused connection) cannot be timed from a test.
 */
public final class ThrownFailures {

    private ThrownFailures() {
    }

    public static void raise(@Header("kind") String kind) {
        throw switch (kind) {
            // What OutboxWriter raised mid PostgreSQL restart: an unclassified write failure over a plain SQLException
            // without SQLSTATE.
            case "unclassified-write" -> new TransientDataAccessResourceException("The outbox write failed",
                    new SQLException("I/O error"));
            case "no-connection" -> new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                    new SQLTransientConnectionException("bridge-db - Connection is not available",
                            new IOException("Connection refused")));
            case "lock-timeout" -> new UncategorizedSQLException("insert", "INSERT",
                    new SQLException("canceling statement due to lock timeout", "55P03"));
            case "wrapped-outage" -> new RuntimeCamelException(
                    new DataAccessResourceFailureException("terminating connection",
                    new SQLException("terminating connection due to administrator command", "57P01")));
            case "other-uncategorized" -> new UncategorizedSQLException("insert", "INSERT",
                    new SQLException("internal error", "XX000"));
            case "integrity" -> new DataIntegrityViolationException("null value in column",
                    new SQLException("null value in column", "23502"));
            default -> new IllegalStateException("A bug");
        };
    }
}
