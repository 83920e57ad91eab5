package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.bridge.db.DatabaseConfiguration;
import com.example.bridge.oneio.DeliveryPolicy;
import com.example.bridge.oneio.OutboxRetention;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The outbox's batch statements as the routes have them (the delivery's claim, the cleanup's delete), on the test's
 * database while another connection inserts messages, as the ingest does under load. Each must take a full batch
 * while more rows qualify: a short batch ends the greedy scheduler's run, and the next waits a whole poll interval.
 * Written as UPDATE ... WHERE id IN (SELECT ... FETCH FIRST n ROWS ONLY) AND <still due>, the claim took anything
 * from 0 to 100 of a batch of 100 on H2 then, with a thousand rows due.
 */
class OutboxBatchStatementsTest {

    private static final int BATCH = 100;
    private static final int PASSES = 8;
    private static final Pattern PARAMETER = Pattern.compile(":#\\$\\{variable\\.([\\w.]+)}");

    private final TestDatabase database = TestDatabase.create();
    private final DeliveryPolicy policy = new DeliveryPolicy(1000, 300000, 10, 60, 10000, 10000, 10000, BATCH, 4);
    private final AtomicBoolean inserting = new AtomicBoolean(true);
    private final AtomicLong inserted = new AtomicLong();
    private HikariDataSource dataSource;
    private Thread ingest;

    @BeforeEach
    void emptyOutbox() {
        dataSource = new DatabaseConfiguration().dataSource(database.url(), database.user(), database.password(), 4, 5000);
        database.clear("oneio_outbox");
    }

    @AfterEach
    void stopInserting() throws Exception {
        inserting.set(false);
        if (ingest != null) {
            ingest.join();
        }
        dataSource.close();
    }

    @Test
    void every_claim_takes_a_full_batch_while_more_are_due_and_messages_keep_arriving() throws Exception {
        insertBacklog("QUEUED");
        keepInserting();

        List<Integer> claimed = runPasses("oneio-delivery.camel.yaml", "claim-due-messages", "oneio.delivery.batch-size",
                () -> claimValues(policy.claim()));

        assertEquals(Collections.nCopies(PASSES, BATCH), claimed,
                "rows claimed by each poll, " + inserted.get() + " messages inserted meanwhile");
        assertEquals(PASSES * BATCH, database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERING'").size());
    }

    @Test
    void every_cleanup_pass_deletes_a_full_batch_while_more_are_old_and_messages_keep_arriving() throws Exception {
        insertBacklog("DELIVERED");
        OutboxRetention retention = new OutboxRetention(1, BATCH);
        keepInserting();

        List<Integer> deleted = runPasses("oneio-outbox-retention.camel.yaml", "delete-delivered-messages",
                "oneio.outbox.cleanup-batch-size", () -> Map.of("cutoff", retention.cutoff()));

        assertEquals(Collections.nCopies(PASSES, BATCH), deleted,
                "rows deleted by each pass, " + inserted.get() + " messages inserted meanwhile");
        assertEquals(10 * BATCH - PASSES * BATCH,
                database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERED'").size());
    }

    /**
     * After a burst PostgreSQL plans the claim with statistics from before it, which know of almost no due rows. With
     * the still-due check in the MERGE's ON clause it then walked every due row and ran the claim's subquery once for
     * each (3.6 s a claim with 100,000 due rows, no delivery meanwhile); joined by id, the subquery runs once.
     */
    @Test
    void the_claim_picks_its_batch_once_when_the_statistics_predate_a_burst() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "the plan in question is PostgreSQL's");
        insertRows("DELIVERED", 20 * BATCH);
        database.update("ANALYZE oneio_outbox");
        insertRows("QUEUED", 20 * BATCH);
        List<String> parameters = new ArrayList<>();
        String sql = stepSql("oneio-delivery.camel.yaml", "claim-due-messages", "oneio.delivery.batch-size", parameters);
        Map<String, Object> values = claimValues(policy.claim());

        JsonNode plan;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
            bind(explain, parameters, values);
            try (ResultSet result = explain.executeQuery()) {
                result.next();
                plan = new ObjectMapper().readTree(result.getString(1)).get(0).get("Plan");
            }
        }

        List<Integer> subqueryRuns = new ArrayList<>();
        collectLoops(plan, "Subquery Scan", subqueryRuns);
        assertEquals(List.of(1), subqueryRuns, "runs of the claim's subquery, plan: " + plan);
        assertEquals(BATCH, database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERING'").size());
    }

    private static void collectLoops(JsonNode node, String nodeType, List<Integer> loops) {
        if (nodeType.equals(node.path("Node Type").asText())) {
            loops.add(node.path("Actual Loops").asInt());
        }
        for (JsonNode child : node.path("Plans")) {
            collectLoops(child, nodeType, loops);
        }
    }

    /** Ten batches of rows of the status, last touched a minute ago. */
    private void insertBacklog(String status) throws SQLException {
        insertRows(status, 10 * BATCH);
    }

    /** Rows of the status, last touched a minute ago. */
    private void insertRows(String status, int count) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(insertSql(status))) {
            OffsetDateTime minuteAgo = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
            for (int i = 0; i < count; i++) {
                bindInsert(insert, minuteAgo);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** New queued messages, one commit each, until the test ends; returns once the first 50 are in. */
    private void keepInserting() {
        ingest = new Thread(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(insertSql("QUEUED"))) {
                while (inserting.get()) {
                    bindInsert(insert, OffsetDateTime.now(ZoneOffset.UTC));
                    insert.executeUpdate();
                    inserted.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        ingest.start();
        while (inserted.get() < 50) {
            Thread.onSpinWait();
        }
    }

    /** Runs the route step's SQL PASSES times, each with fresh values for its parameters; returns the update counts. */
    private List<Integer> runPasses(String routeFile, String stepId, String batchProperty,
            Supplier<Map<String, Object>> values) throws Exception {
        List<String> parameters = new ArrayList<>();
        String sql = stepSql(routeFile, stepId, batchProperty, parameters);
        List<Integer> counts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            for (int pass = 0; pass < PASSES; pass++) {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    bind(statement, parameters, values.get());
                    counts.add(statement.executeUpdate());
                }
            }
        }
        return counts;
    }

    /** The claim step's parameters, by name. */
    private static Map<String, Object> claimValues(DeliveryPolicy.Claim claim) {
        return Map.of("claim.owner", claim.owner(), "claim.now", claim.now(), "claim.leaseUntil", claim.leaseUntil());
    }

    private static void bind(PreparedStatement statement, List<String> parameters, Map<String, Object> values)
            throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, values.get(parameters.get(i)));
        }
    }

    /** The step's SQL from routes/, with JDBC's ? for Camel's parameters (their names, in order, in parameters). */
    private static String stepSql(String routeFile, String stepId, String batchProperty, List<String> parameters)
            throws Exception {
        Object routes = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(Path.of("routes", routeFile)));
        String uri = (String) findStep(routes, stepId).get("uri");
        Matcher matcher = PARAMETER.matcher(uri.substring("sql:".length())
                .replace("{{" + batchProperty + "}}", String.valueOf(BATCH)));
        StringBuilder sql = new StringBuilder();
        while (matcher.find()) {
            parameters.add(matcher.group(1));
            matcher.appendReplacement(sql, "?");
        }
        return matcher.appendTail(sql).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> findStep(Object node, String id) {
        if (node instanceof Map<?, ?> map && id.equals(map.get("id"))) {
            return (Map<String, Object>) map;
        }
        Iterable<?> children = node instanceof Map<?, ?> map ? map.values() : node instanceof List<?> list ? list : List.of();
        for (Object child : children) {
            Map<String, Object> found = findStep(child, id);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String insertSql(String status) {
        return "INSERT INTO oneio_outbox (id, payload, status, attempts, next_attempt_at, created_at)"
                + " VALUES (?, '{}', '" + status + "', 0, ?, ?)";
    }

    private static void bindInsert(PreparedStatement insert, OffsetDateTime touched) throws SQLException {
        insert.setString(1, UUID.randomUUID().toString());
        insert.setObject(2, touched);
        insert.setObject(3, touched);
    }
}
