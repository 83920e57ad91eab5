package com.example.bridge.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

public class DatabaseConfiguration implements CamelConfiguration {

    private HikariDataSource dataSource;
    private boolean compactsH2File;
    private DurableCommits durableCommits;
    private DatabaseHealthCheck healthCheck;
    private StorageEngineHealthCheck storageEngineHealthCheck;

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
        config.setJdbcUrl(withH2Options(url));
        compactsH2File = H2FileCompaction.takesOver(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        // While the database is down a request waits this long for a connection, then answers 503.
        config.setConnectionTimeout(connectionTimeoutMillis);
        dataSource = new HikariDataSource(config);
        new SchemaInstaller(dataSource).install("db/schema.sql");
        return dataSource;
    }

    /** Adds the options below to an H2 URL unless it sets them itself; other databases' URLs stay as they are. */
    static String withH2Options(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String options = url.toUpperCase(Locale.ROOT);
        StringBuilder withOptions = new StringBuilder(url);
        /*
         * H2 closes an embedded database from a JVM shutdown hook of its own, which runs alongside Camel's graceful
         * stop: deliveries still in flight at a SIGTERM then could not record their outcomes and were POSTed again
         * after the restart (OneioDurabilityTest). Without that hook the database closes with the pool, after the
         * routes stopped. H2 refuses to turn the hook off for AUTO_SERVER=TRUE (a file shared between processes).
         */
        if (!options.contains("DB_CLOSE_ON_EXIT") && !options.contains("AUTO_SERVER=TRUE")) {
            withOptions.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        /*
         * H2 keeps the plan of each statement a pooled connection has prepared, made for the table as it was then.
         * The delivery's claim, first planned on a nearly empty outbox, went on walking the due index over the whole
         * backlog: 286 messages a second drained from a backlog of 90,000 instead of 2,172 with fresh plans
         * (measured). Planning anew costs a parse per statement, and statements here run once per batch or request.
         */
        if (!options.contains("QUERY_CACHE_SIZE")) {
            withOptions.append(";QUERY_CACHE_SIZE=0");
        }
        // H2FileCompaction does this work instead, in steps short enough not to hold up the group commits.
        if (H2FileCompaction.takesOver(url)) {
            withOptions.append(";AUTO_COMPACT_FILL_RATE=0");
        }
        return withOptions.toString();
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
        if (dataSource == null) {
            throw new IllegalStateException("The data source is bound after configure: H2FileCompaction would not run");
        }
        // Added after the pool's closing service, so that it stops first.
        if (compactsH2File) {
            camelContext.addService(new H2FileCompaction(camelContext, dataSource), true, true);
        }
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

    @BindToRegistry("storageEngineHealthCheck")
    public StorageEngineHealthCheck storageEngineHealthCheck() {
        if (storageEngineHealthCheck == null) {
            storageEngineHealthCheck = new StorageEngineHealthCheck(Clock.systemUTC());
        }
        return storageEngineHealthCheck;
    }
}
