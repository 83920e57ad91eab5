package com.example.bridge.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the sparse parts of an embedded H2 file in small steps, in place of H2's own background compaction.
 * H2 rewrites up to a quarter of its auto-commit buffer (4.75 MiB at the image's heap) at a time, holding the store
 * lock that every CHECKPOINT needs: group commits waited 65-142 ms behind it, and the ingest's p99 was 54.15-106.08 ms
 * where it was 11.39-13.78 ms with that compaction off (bench/HISTORY.md). Off without a replacement, the file grew
 * without bound under the outbox retention. So the bundle turns H2's off (AUTO_COMPACT_FILL_RATE=0) and rewrites at
 * most {@link #STEP_BYTES} every {@link #STEP_MILLIS} ms: the same work in short holds of the lock (p99 16.23-27.64 ms,
 * README "Benchmark"; the file stayed bounded under retention).
 */
public class H2FileCompaction extends ServiceSupport {

    static final int STEP_BYTES = 256 * 1024;
    static final long STEP_MILLIS = 100;
    /** Steps run while the live pages fill less than this share of the file's chunks (H2's default aims at 90). */
    static final int TARGET_FILL_RATE = 80;

    private static final Logger LOG = LoggerFactory.getLogger(H2FileCompaction.class);

    private final CamelContext camelContext;
    private final DataSource dataSource;
    private ScheduledExecutorService steps;
    private boolean failing;

    public H2FileCompaction(CamelContext camelContext, DataSource dataSource) {
        this.camelContext = camelContext;
        this.dataSource = dataSource;
    }

    /** True for an H2 file URL that leaves compaction to the bundle: it does not choose AUTO_COMPACT_FILL_RATE itself. */
    static boolean takesOver(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        return upper.startsWith("JDBC:H2:") && !upper.startsWith("JDBC:H2:MEM:") && !upper.startsWith("JDBC:H2:TCP:")
                && !upper.startsWith("JDBC:H2:SSL:") && !upper.contains("AUTO_COMPACT_FILL_RATE");
    }

    @Override
    protected void doStart() throws SQLException {
        MVStore store = localStore();
        if (store == null) {
            // AUTO_SERVER=TRUE with the file opened by another process first: that process compacts it.
            LOG.info("H2 file compaction: the database is served by another process, which compacts it");
            return;
        }
        LOG.info("H2 file compaction: up to {} KiB every {} ms while the file's chunks are under {}% full",
                STEP_BYTES / 1024, STEP_MILLIS, TARGET_FILL_RATE);
        steps = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "H2FileCompaction");
        steps.scheduleWithFixedDelay(() -> step(store), STEP_MILLIS, STEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (steps != null) {
            camelContext.getExecutorServiceManager().shutdownGraceful(steps);
            steps = null;
        }
    }

    private MVStore localStore() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Session session = connection.unwrap(JdbcConnection.class).getSession();
            return session instanceof SessionLocal local ? local.getDatabase().getStore().getMvStore() : null;
        }
    }

    private void step(MVStore store) {
        if (store.isClosed()) {
            return;
        }
        try {
            store.compact(TARGET_FILL_RATE, STEP_BYTES);
            failing = false;
        } catch (RuntimeException e) {
            // Every 100 ms while the storage engine fails: one line when it starts (StorageEngineHealthCheck counts the
            // failures that requests and polls meet).
            if (!failing) {
                LOG.warn("H2 file compaction step failed: {}", e.toString());
            }
            failing = true;
        }
    }
}
