package com.example.bridge.oneio;

import com.example.bridge.oneio.DeliveryPolicy.Claim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that the ingest stored already claimed for this instance, waiting here for the delivery poll. They skip
 * the poll's claim and its read-back: on 2 cores those statements competed with the ingest for the CPU (measured,
 * bench/oneio-bench.sh). Each row is stored with the claim's owner and lease end, exactly as a poll would have
 * claimed it, so a crash leaves nothing that another instance cannot claim once the lease ends.
 *
 * <p>At most {@code capacity} rows wait here; the ingest stores the rest QUEUED, for the poll to claim. The poll takes
 * from here and from the database in turn while both have messages, so that retries and older messages are not
 * starved by a steady stream of new ones. A stopping bundle gives back what still waits here (QUEUED, due at once).
 */
public class IngestHandOff {

    static final String GIVE_BACK = "UPDATE oneio_outbox SET status = 'QUEUED', next_attempt_at = ?, lease_owner = NULL"
            + " WHERE id = ? AND lease_owner = ?";
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandOff.class);

    private final DataSource dataSource;
    private final int leaseSeconds;
    private final int capacity;
    private final int batchSize;
    private final ArrayDeque<Map<String, Object>> waiting = new ArrayDeque<>();
    private int reserved;
    private boolean lastPollTookHandOff;

    public IngestHandOff(DataSource dataSource, int leaseSeconds, int batchSize) {
        this.dataSource = dataSource;
        this.leaseSeconds = leaseSeconds;
        this.batchSize = batchSize;
        // Two batches: one for the poll to take while the other fills.
        this.capacity = 2 * batchSize;
    }

    /** A claim for up to {@code wanted} messages about to be stored: {@link Reservation#count()} may be 0. */
    public synchronized Reservation reserve(int wanted) {
        int count = Math.max(0, Math.min(wanted, capacity - waiting.size() - reserved));
        reserved += count;
        return new Reservation(count == 0 ? null : Claim.startingNow(leaseSeconds), count);
    }

    /** The reserved messages that were stored, durably, with the reservation's claim; the rest of it is freed. */
    public synchronized void handOver(Reservation reservation, List<OutboxMessage> stored) {
        reserved -= reservation.count();
        for (OutboxMessage message : stored) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", message.id());
            row.put("payload", message.payload());
            row.put("attempts", 0);
            row.put("owner", reservation.claim().owner());
            row.put("created_at", message.receivedAt());
            row.put("lease_until", reservation.claim().leaseUntil());
            waiting.add(row);
        }
    }

    /**
     * The poll's next batch from here: sets variable {@code handedOver} to how many rows the body now holds (0: claim
     * from the database), and {@code handOffWaiting} to whether rows wait here that this poll left for the next.
     */
    public synchronized void nextBatch(Exchange exchange) {
        boolean databaseTurn = lastPollTookHandOff;
        List<Map<String, Object>> batch = new ArrayList<>();
        if (!databaseTurn) {
            while (batch.size() < batchSize && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
        }
        lastPollTookHandOff = !batch.isEmpty();
        exchange.getMessage().setBody(batch.isEmpty() ? null : batch);
        exchange.setVariable("handedOver", batch.size());
        exchange.setVariable("handOffWaiting", !waiting.isEmpty());
    }

    /** At stop, after the routes: what still waits here is due again at once, for this or another instance. */
    public void giveBack() {
        List<Map<String, Object>> rows;
        synchronized (this) {
            rows = new ArrayList<>(waiting);
            waiting.clear();
        }
        if (rows.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(GIVE_BACK)) {
            for (Map<String, Object> row : rows) {
                statement.setObject(1, now);
                statement.setString(2, (String) row.get("id"));
                statement.setString(3, (String) row.get("owner"));
                statement.addBatch();
            }
            statement.executeBatch();
        } catch (SQLException e) {
            // Not lost: their leases run out and the next poll of any instance claims them.
            LOG.warn("Could not give back {} handed-over messages at stop: {} (SQLSTATE {})", rows.size(),
                    e.getClass().getName(), e.getSQLState());
        }
    }

    /** {@code count} slots here for messages stored with {@code claim} (null when count is 0). */
    public record Reservation(Claim claim, int count) {
    }
}
