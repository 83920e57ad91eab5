package com.example.bridge.oneio;

import com.example.bridge.db.DurableCommits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Inserts ingested messages into oneio_outbox as a group commit: the requests that arrive while one batch is being
 * written wait, and the first of them then writes all of them in one transaction (one JDBC batch, one commit, one
 * {@link DurableCommits} flush). Row by row, each request paid its own commit and its own wait for the flush, and
 * ingest stayed below 2,000 messages a second (measured, bench/oneio-bench.sh).
 *
 * <p>A batch that fails (a repeated Idempotency-Key, say) is rolled back and its rows are inserted one at a time, so
 * that each request gets the answer for its own row. Failures reach the route as the Spring exceptions camel-sql
 * raises ({@link DuplicateKeyException}, DataAccessResourceFailureException), so api-errors answers them alike.
 */
public class OutboxWriter {

    static final String INSERT = "INSERT INTO oneio_outbox (id, idempotency_key, payload, status, attempts, next_attempt_at,"
            + " created_at) VALUES (?, ?, ?, 'QUEUED', 0, ?, ?)";
    private static final int MAX_BATCH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWriter.class);
    private static final SQLExceptionTranslator TRANSLATOR = new SQLExceptionSubclassTranslator();
    private static final Comparator<PendingRow> BY_IDEMPOTENCY_KEY =
            Comparator.comparing(row -> row.message.idempotencyKey(), Comparator.nullsFirst(Comparator.naturalOrder()));

    private final DataSource dataSource;
    private final DurableCommits durableCommits;
    private final Object lock = new Object();
    private List<PendingRow> waiting = new ArrayList<>();
    private boolean writing;

    public OutboxWriter(DataSource dataSource, DurableCommits durableCommits) {
        this.dataSource = dataSource;
        this.durableCommits = durableCommits;
    }

    /**
     * Returns the message's id once it is committed and durable; a repeated Idempotency-Key throws
     * {@link DuplicateKeyException}.
     */
    public String insert(@Variable("message") OutboxMessage message) throws Exception {
        PendingRow row = new PendingRow(message);
        List<PendingRow> batch;
        synchronized (lock) {
            waiting.add(row);
            while (writing && !row.done) {
                lock.wait();
            }
            if (row.done) {
                row.rethrowFailure();
                return message.id();
            }
            writing = true;
            batch = take(row);
        }
        boolean completed = false;
        try {
            write(batch);
            completed = true;
        } finally {
            synchronized (lock) {
                writing = false;
                for (PendingRow written : batch) {
                    // An Error escaped write(): none of these rows may be answered as stored.
                    if (!completed && written.failure == null) {
                        written.failure = new IllegalStateException("The outbox write did not complete");
                    }
                    written.done = true;
                }
                lock.notifyAll();
            }
        }
        row.rethrowFailure();
        return message.id();
    }

    /** The writer's own row always goes in: its request is answered as soon as this batch is written. */
    private List<PendingRow> take(PendingRow own) {
        if (waiting.size() <= MAX_BATCH) {
            List<PendingRow> batch = waiting;
            waiting = new ArrayList<>();
            return batch;
        }
        waiting.remove(own);
        List<PendingRow> batch = new ArrayList<>(MAX_BATCH);
        batch.add(own);
        batch.addAll(waiting.subList(0, MAX_BATCH - 1));
        waiting = new ArrayList<>(waiting.subList(MAX_BATCH - 1, waiting.size()));
        return batch;
    }

    private void write(List<PendingRow> batch) {
        // On PostgreSQL an INSERT waits at a key that another instance's open batch holds: two batches that take
        // shared keys in opposite orders deadlock, and every request of the losing one fails. One order everywhere.
        batch.sort(BY_IDEMPOTENCY_KEY);
        try {
            // As camel-sql's JdbcTemplate does: no connection to lend (database down) is a CannotGetJdbcConnectionException.
            try (Connection connection = DataSourceUtils.getConnection(dataSource)) {
                if (!insertTogether(connection, batch)) {
                    insertOneByOne(connection, batch);
                }
            }
            durableCommits.awaitDurable();
        } catch (SQLException e) {
            // Class and SQLSTATE only: a driver's message may quote the statement's values, payloads included.
            LOG.warn("Outbox write of {} messages failed: {} (SQLSTATE {})", batch.size(), e.getClass().getName(), e.getSQLState());
            DataAccessException translated = TRANSLATOR.translate("insert into oneio_outbox", INSERT, e);
            // What Spring cannot classify here (seen once mid PostgreSQL restart as a plain SQLException) is the
            // database in trouble too: the caller gets 503 and may send again.
            failAll(batch, translated != null ? translated
                    : new TransientDataAccessResourceException("The outbox write failed", e));
        } catch (RuntimeException | InterruptedException e) {
            failAll(batch, e);
        }
    }

    private static void failAll(List<PendingRow> batch, Exception failure) {
        for (PendingRow row : batch) {
            if (row.failure == null) {
                row.failure = failure;
            }
        }
    }

    private static boolean insertTogether(Connection connection, List<PendingRow> batch) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            for (PendingRow row : batch) {
                row.bind(statement);
                statement.addBatch();
            }
            statement.executeBatch();
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            if (!isConstraintViolation(e)) {
                throw e;
            }
            if (batch.size() == 1) {
                failAll(batch, duplicate());
                return true;
            }
            return false;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static void insertOneByOne(Connection connection, List<PendingRow> batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            for (PendingRow row : batch) {
                row.bind(statement);
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    if (!isConstraintViolation(e)) {
                        throw e;
                    }
                    row.failure = duplicate();
                }
            }
        }
    }

    private static DuplicateKeyException duplicate() {
        return new DuplicateKeyException("A message with this Idempotency-Key is stored already");
    }

    /** SQLSTATE class 23 (integrity constraint violation): only the Idempotency-Key's unique index can raise it. */
    private static boolean isConstraintViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (next.getSQLState() != null && next.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static final class PendingRow {
        private final OutboxMessage message;
        private boolean done;
        private Exception failure;

        PendingRow(OutboxMessage message) {
            this.message = message;
        }

        void bind(PreparedStatement statement) throws SQLException {
            statement.setString(1, message.id());
            statement.setString(2, message.idempotencyKey());
            statement.setString(3, message.payload());
            statement.setObject(4, message.receivedAt());
            statement.setObject(5, message.receivedAt());
        }

        void rethrowFailure() throws Exception {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
