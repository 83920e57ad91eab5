package com.example.bridge.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Creates the tables that are missing, before any route starts, on a database the routes can use. Statements must be
 * idempotent.
 */
public final class SchemaInstaller {

    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;

    public SchemaInstaller(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void install(String classpathResource) {
        String[] statements = readScript(classpathResource).split(";");
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                DatabaseMetaData database = connection.getMetaData();
                requireSupported(database.getDatabaseProductName(), database.getDatabaseMajorVersion());
                for (String sql : statements) {
                    if (!sql.isBlank()) {
                        statement.execute(sql);
                    }
                }
                return;
            } catch (SQLException e) {
                // Replicas starting together on an empty PostgreSQL race on CREATE ... IF NOT EXISTS; the loser
                // gets a duplicate-key error from the catalog, and its second run finds everything in place.
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("Could not create the database schema from " + classpathResource, e);
                }
            }
        }
    }

    /**
     * The delivery's claim and the account upsert are MERGE statements, which PostgreSQL runs from version 15 on. On
     * an older server the bundle would answer 202 to every message and deliver none: better not to start.
     */
    static void requireSupported(String product, int majorVersion) {
        if ("PostgreSQL".equals(product) && majorVersion < 15) {
            throw new IllegalStateException("The database is PostgreSQL " + majorVersion
                    + "; the bundle needs PostgreSQL 15 or newer (it uses MERGE)");
        }
    }

    private static String readScript(String classpathResource) {
        try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(classpathResource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + classpathResource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
