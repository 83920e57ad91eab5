package com.example.bridge.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: an instance whose database does not answer must not get traffic (it could not keep a 202's promise). */
public class DatabaseHealthCheck extends AbstractHealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("bridge", "database");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        // A database outage is not cured by restarting this process.
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.message("The database did not answer within " + TIMEOUT_SECONDS + " s").down();
            }
        } catch (SQLException e) {
            builder.message("No database connection: " + e.getClass().getSimpleName()).down();
        }
    }
}
