package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.bridge.db.DatabaseConfiguration;
import com.example.bridge.db.DurableCommits;
import com.example.bridge.support.Await;
import com.example.bridge.support.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;

/**
 * The ingest's group commit under concurrency, on PostgreSQL, whose INSERT waits at a key that another open
 * transaction holds: that is how these tests hold a batch mid-write. A test connection plays the other instance.
 */
class OutboxWriterGroupCommitTest {

    private final TestDatabase database = TestDatabase.create();
    private final MessageIds ids = new MessageIds();
    private HikariDataSource dataSource;
    private OutboxWriter writer;

    @BeforeEach
    void emptyOutbox() {
        assumeTrue(TestDatabase.isPostgres(),
                "holding a batch mid-write takes PostgreSQL's wait at a key another transaction holds");
        dataSource = new DatabaseConfiguration().dataSource(database.url(), database.user(), database.password(), 4, 5000);
        database.clear("oneio_outbox");
        writer = new OutboxWriter(dataSource, new DurableCommits(dataSource));
    }

    @AfterEach
    void closePool() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /**
     * Two instances' batches that take shared keys in opposite orders wait for each other, and the database fails
     * the loser (a deadlock): every request in it failed.
     */
    @Test
    void a_batch_inserts_its_keys_in_the_order_every_instance_uses() throws Exception {
        try (Connection holdsX = openTransaction(); Connection otherInstance = openTransaction()) {
            insert(holdsX, "key-x");
            insert(otherInstance, "key-a");
            // The writer is busy with key-x until holdsX ends: key-b, then key-a, queue for its next batch.
            Insert x = startInsert("key-x");
            Await.until("the batch of key-x waits for the test's key-x", Duration.ofSeconds(10), this::aLockIsAwaited);
            Insert b = startInsert("key-b");
            awaitQueued(b);
            Insert a = startInsert("key-a");
            awaitQueued(a);
            holdsX.rollback();
            x.result().get(10, TimeUnit.SECONDS);

            Await.until("the batch of key-b and key-a waits for the other instance's key-a", Duration.ofSeconds(10),
                    this::aLockIsAwaited);
            // The other instance's batch goes on in the same order: key-a, then key-b.
            insert(otherInstance, "key-b");
            otherInstance.rollback();

            b.result().get(10, TimeUnit.SECONDS);
            a.result().get(10, TimeUnit.SECONDS);
        }
        assertEquals(3, database.count("oneio_outbox"));
    }

    /**
     * More requests queue behind a write than one batch takes (256). The one that writes next must write its own row
     * too: otherwise it answers as stored a row still waiting for a later batch, which may fail. Every request here
     * repeats a stored key, so every one must fail; one that returned its id would have answered 202 for nothing.
     */
    @Test
    void a_request_is_answered_only_once_its_own_row_is_written_when_more_queue_than_one_batch_takes() throws Exception {
        List<Insert> inserts = new ArrayList<>();
        try (Connection holdsKey = openTransaction()) {
            insert(holdsKey, "key-taken");
            inserts.add(startInsert("key-taken"));
            Await.until("the first batch waits for the test's key", Duration.ofSeconds(10), this::aLockIsAwaited);
            for (int i = 0; i < 2000; i++) {
                inserts.add(startInsert("key-taken"));
            }
            inserts.stream().skip(1).forEach(OutboxWriterGroupCommitTest::awaitQueued);
            holdsKey.commit();
        }

        for (Insert insert : inserts) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> insert.result().get(30, TimeUnit.SECONDS), insert.thread().getName() + " answered as stored");
            assertInstanceOf(DuplicateKeyException.class, failure.getCause());
        }
        assertEquals(1, database.count("oneio_outbox"));
    }

    private Connection openTransaction() throws SQLException {
        Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
        connection.setAutoCommit(false);
        return connection;
    }

    private void insert(Connection connection, String key) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (PreparedStatement insert = connection.prepareStatement(OutboxWriter.INSERT)) {
            insert.setString(1, ids.next());
            insert.setString(2, key);
            insert.setString(3, "{}");
            insert.setObject(4, now);
            insert.setObject(5, now);
            insert.executeUpdate();
        }
    }

    private Insert startInsert(String key) {
        FutureTask<String> result = new FutureTask<>(
                () -> writer.insert(new OutboxMessage(ids.next(), key, "{}", OffsetDateTime.now())));
        Thread thread = new Thread(result, "insert " + key);
        thread.start();
        return new Insert(result, thread);
    }

    /** A request waits (Object.wait) only while its row is queued behind the batch being written. */
    private static void awaitQueued(Insert insert) {
        Await.until(insert.thread().getName() + " queued", Duration.ofSeconds(10),
                () -> insert.thread().getState() == Thread.State.WAITING);
    }

    private boolean aLockIsAwaited() {
        return !database.rows("SELECT pid FROM pg_locks WHERE NOT granted").isEmpty();
    }

    private record Insert(FutureTask<String> result, Thread thread) {
    }
}
