package com.example.bridge.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

public class DatabaseConfiguration implements CamelConfiguration {

    private HikariDataSource dataSource;
    private DurableCommits durableCommits;
    private DatabaseHealthCheck healthCheck;

    // Built in Java rather than with camel.beans.* because an empty db.password (H2's default) stops startup there.
    @BindToRegistry("dataSource")
    public HikariDataSource dataSource(
            @PropertyInject("db.url") String url,
            @PropertyInject("db.user") String user,
            @PropertyInject(value = "db.password", defaultValue = "") String password,
            @PropertyInject(value = "db.pool-size", defaultValue = "10") int poolSize,
            @PropertyInject(value = "db.connection-timeout-ms", defaultValue = "5000") long connectionTimeoutMillis) {
        // Camel 4.18 calls @BindToRegistry methods twice (measured): a second pool would leak its connections.
        if (dataSource != null) {
            return dataSource;
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("bridge-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        // While the database is down a request waits this long for a connection, then answers 503.
        config.setConnectionTimeout(connectionTimeoutMillis);
        dataSource = new HikariDataSource(config);
        new SchemaInstaller(dataSource).install("db/schema.sql");
        return dataSource;
    }

    /** Closes the pool when Camel stops: a restarted context in the same JVM must not keep the old connections. */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        camelContext.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        }, true, true);
    }

    @BindToRegistry("durableCommits")
    public DurableCommits durableCommits(@BeanInject("dataSource") DataSource dataSource) {
        if (durableCommits == null) {
            durableCommits = new DurableCommits(dataSource);
        }
        return durableCommits;
    }

    @BindToRegistry("databaseHealthCheck")
    public DatabaseHealthCheck databaseHealthCheck(@BeanInject("dataSource") DataSource dataSource) {
        if (healthCheck == null) {
            healthCheck = new DatabaseHealthCheck(dataSource);
        }
        return healthCheck;
    }
}
