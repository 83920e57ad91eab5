package com.example.bridge.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Creates the tables that are missing, before any route starts. Statements must be idempotent. */
public final class SchemaInstaller {

    private final DataSource dataSource;

    public SchemaInstaller(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void install(String classpathResource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : readScript(classpathResource).split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the database schema from " + classpathResource, e);
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
