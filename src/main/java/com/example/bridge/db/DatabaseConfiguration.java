package com.example.bridge.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

public class DatabaseConfiguration implements CamelConfiguration {

    // Built in Java rather than with camel.beans.* because an empty db.password (H2's default) stops startup there.
    @BindToRegistry(value = "dataSource", destroyMethod = "close")
    public HikariDataSource dataSource(
            @PropertyInject("db.url") String url,
            @PropertyInject("db.user") String user,
            @PropertyInject(value = "db.password", defaultValue = "") String password,
            @PropertyInject(value = "db.pool-size", defaultValue = "10") int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bridge-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        HikariDataSource dataSource = new HikariDataSource(config);
        new SchemaInstaller(dataSource).install("db/schema.sql");
        return dataSource;
    }

    @BindToRegistry("durableCommits")
    public DurableCommits durableCommits(@BeanInject("dataSource") DataSource dataSource) {
        return new DurableCommits(dataSource);
    }
}
