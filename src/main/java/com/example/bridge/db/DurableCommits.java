package com.example.bridge.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Makes committed rows survive a killed process before the bundle answers for them. PostgreSQL commits are durable
 * already. H2 writes committed transactions to its file in the background, up to 500 ms later; writing at every
 * commit instead (WRITE_DELAY 0) grew the file by about 27 KB a commit (3.65 GB after 135,600 inserts, measured).
 * So callers wait here for one CHECKPOINT that covers every commit made before it
 * started: a group commit, one file write for all the requests that arrived meanwhile.
 */
public class DurableCommits {

    private final DataSource dataSource;
    private final boolean needed;
    private final Object lock = new Object();
    private long requested;
    private long flushed;
    private boolean flushing;

    public DurableCommits(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection connection = dataSource.getConnection()) {
            this.needed = "H2".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reach the database", e);
        }
    }

    /** Returns once everything this thread committed before the call is on disk. */
    public void awaitDurable() throws SQLException, InterruptedException {
        if (!needed) {
            return;
        }
        long coveredUpTo;
        synchronized (lock) {
            long ticket = ++requested;
            while (flushed < ticket && flushing) {
                lock.wait();
            }
            if (flushed >= ticket) {
                return;
            }
            flushing = true;
            coveredUpTo = requested;
        }
        boolean written = false;
        try {
            checkpoint();
            written = true;
        } finally {
            synchronized (lock) {
                flushing = false;
                if (written) {
                    flushed = Math.max(flushed, coveredUpTo);
                }
                lock.notifyAll();
            }
        }
    }

    private void checkpoint() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }
}
