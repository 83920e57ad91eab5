package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.bridge.support.Await;
import com.example.bridge.support.BridgeProcess;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 202 promise under SIGKILL, and several delivery instances on one PostgreSQL. */
class OneioDurabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Claims of a killed process are due again after 3 s. A POST (to the local WireMock) may take 3 x 0.5 s, so the
     * lease is long enough to start one (see DeliveryPolicy).
     */
    private static final Map<String, String> SHORT_LEASES = Map.of("oneio.delivery.poll-ms", "50",
            "oneio.delivery.lease-seconds", "3", "oneflow.timeout-ms", "500");

    private static TestDatabase database;
    private static FakeOneio oneio;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        oneio = new FakeOneio();
    }

    @AfterAll
    static void stop() {
        oneio.close();
    }

    @BeforeEach
    void clean() {
        database.clear("oneio_outbox");
        oneio.reset();
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
    }

    private Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.putAll(extra);
        return properties;
    }

    private Set<Integer> deliveredNumbers() {
        return oneio.receiverRequests().stream().map(LoggedRequest::getBodyAsString)
                .map(body -> {
                    try {
                        return JSON.readTree(body).get("n").asInt();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());
    }

    @Test
    void sigkill_right_after_a_burst_of_202s_loses_nothing() throws Exception {
        Path log = Files.createTempFile("bridge-sigkill", ".log");
        Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        int total = 600;
        int killAfter = 300;
        Semaphore killed = new Semaphore(0);

        try (BridgeProcess first = BridgeProcess.start(properties(SHORT_LEASES), log)) {
            ExecutorService senders = Executors.newFixedThreadPool(16);
            for (int n = 0; n < total; n++) {
                int number = n;
                senders.submit(() -> {
                    try {
                        HttpResponse<String> response = first.postJson("/oneio/messages", "{\"n\":" + number + "}",
                                Duration.ofSeconds(10));
                        if (response.statusCode() == 202) {
                            acknowledged.put(number, JSON.readTree(response.body()).get("id").asText());
                            if (answered.incrementAndGet() == killAfter) {
                                killed.release();
                            }
                        }
                    } catch (Exception refusedAfterTheKill) {
                        // not acknowledged, so not promised
                    }
                });
            }
            killed.acquire();
            first.kill();
            senders.shutdown();
            assertTrue(senders.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        int acked = acknowledged.size();
        assertTrue(acked >= killAfter, "acknowledged " + acked);

        try (BridgeProcess second = BridgeProcess.start(properties(SHORT_LEASES), log)) {
            Await.until("every acknowledged message delivered", Duration.ofSeconds(60),
                    () -> deliveredNumbers().containsAll(acknowledged.keySet()));
            for (Map.Entry<Integer, String> entry : acknowledged.entrySet()) {
                List<Map<String, Object>> row = database.rows(
                        "SELECT status FROM oneio_outbox WHERE id = '" + entry.getValue() + "'");
                assertEquals(1, row.size(), "message " + entry.getKey() + " lost");
            }
            Await.until("no acknowledged message left undelivered", Duration.ofSeconds(30), () -> acknowledged.values()
                    .stream().allMatch(id -> "DELIVERED".equals(statusOf(id))));
        }
        Set<Integer> delivered = deliveredNumbers();
        long lost = acknowledged.keySet().stream().filter(n -> !delivered.contains(n)).count();
        int receiverRequests = oneio.receiverRequests().size();
        System.out.printf("SIGKILL: %d sent, %d acknowledged with 202, %d of them lost, %d distinct delivered, "
                + "%d receiver requests (duplicates: %d)%n", total, acked, lost, delivered.size(), receiverRequests,
                receiverRequests - delivered.size());
        assertEquals(0, lost);
    }

    /** The 202 of a retry is a promise too: the message is queued again on disk before the answer. */
    @Test
    void sigkill_right_after_a_retrys_202_keeps_the_message_queued() throws Exception {
        Path log = Files.createTempFile("bridge-retry-sigkill", ".log");
        oneio.receiverAnswers("token-A", aResponse().withStatus(400));
        String id;
        try (BridgeProcess first = BridgeProcess.start(properties(SHORT_LEASES), log)) {
            id = idIn(first.postJson("/oneio/messages", "{\"n\":1}", Duration.ofSeconds(10)));
            Await.until("the message failed", Duration.ofSeconds(30), () -> "FAILED".equals(statusOf(id)));
            // Another message's 202 makes every commit before it durable, the outcome FAILED included.
            idIn(first.postJson("/oneio/messages", "{\"n\":2}", Duration.ofSeconds(10)));
            oneio.receiverAnswers("token-A", aResponse().withStatus(200));

            HttpResponse<String> retried = first.postJson("/oneio/messages/" + id + "/retry", "", Duration.ofSeconds(10));
            assertEquals(202, retried.statusCode(), retried.body());
            first.kill();
        }

        try (BridgeProcess second = BridgeProcess.start(properties(SHORT_LEASES), log)) {
            Await.until("the retried message delivered after the restart", Duration.ofSeconds(30),
                    () -> "DELIVERED".equals(statusOf(id)));
        }
    }

    private static String idIn(HttpResponse<String> accepted) throws Exception {
        assertEquals(202, accepted.statusCode(), accepted.body());
        return JSON.readTree(accepted.body()).get("id").asText();
    }

    private static String statusOf(String id) {
        return (String) database.firstRow("SELECT status FROM oneio_outbox WHERE id = '" + id + "'").get("status");
    }

    @Test
    void sigterm_mid_delivery_records_every_outcome_before_the_process_exits() throws Exception {
        oneio.receiverAnswers("token-A", aResponse().withStatus(200).withFixedDelay(200));
        Path log = sigtermMidDelivery(20, Map.of());

        assertEquals(List.of(), database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERING'"),
                "claims left behind by a graceful stop; log: " + log);
        assertEquals(deliveredNumbers().size(), database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERED'").size(),
                "every POST the receiver answered is recorded as delivered");
    }

    /**
     * A batch that a slow receiver would keep busy past camel.main.shutdownTimeout (10 s): 60 POSTs of 500 ms on 2
     * threads take 15 s. The stop gives back what it has not POSTed yet and records the rest; before, Camel's timeout
     * dropped the batch's outcomes, and the messages already answered were POSTed again after the restart.
     */
    @Test
    void sigterm_during_a_long_batch_gives_back_what_it_has_not_posted_and_records_the_rest() throws Exception {
        oneio.receiverAnswers("token-A", aResponse().withStatus(200).withFixedDelay(500));
        Path log = sigtermMidDelivery(60, Map.of("oneio.delivery.concurrency", "2", "oneio.delivery.batch-size", "60"));

        assertEquals(List.of(), database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERING'"),
                "claims left behind by a graceful stop; log: " + log);
        int posted = oneio.receiverRequests().size();
        assertEquals(posted, database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERED'").size(),
                "every POST the receiver answered is recorded as delivered; log: " + log);
        assertEquals(60 - posted, database.rows("SELECT id FROM oneio_outbox WHERE status = 'QUEUED' AND attempts = 0")
                .size(), "the rest given back unsent");
        assertTrue(posted < 60, posted + " POSTed: the stop did not come before the batch's end");
    }

    /**
     * Starts a bridge process, posts {@code messages}, sends SIGTERM once the first POST reached the receiver and
     * waits for the process to exit; returns its log.
     */
    private Path sigtermMidDelivery(int messages, Map<String, String> extra) throws Exception {
        Path log = Files.createTempFile("bridge-sigterm", ".log");
        // H2's AUTO_SERVER (the test reading the file while the bridge holds it) needs H2's exit hook, the subject
        // here: these tests read the database only after the process ended.
        Map<String, String> properties = new HashMap<>(properties(Map.of("oneio.delivery.poll-ms", "50",
                "db.url", database.url().replace(";AUTO_SERVER=TRUE", ""))));
        properties.putAll(extra);
        try (BridgeProcess bridge = BridgeProcess.start(properties, log)) {
            for (int n = 0; n < messages; n++) {
                HttpResponse<String> response = bridge.postJson("/oneio/messages", "{\"n\":" + n + "}",
                        Duration.ofSeconds(10));
                assertEquals(202, response.statusCode(), response.body());
            }
            Await.until("a delivery in flight", Duration.ofSeconds(30), () -> !oneio.receiverRequests().isEmpty());
        } // close(): SIGTERM, then waits for the process to exit
        return log;
    }

    /** Repeats arriving at two instances at once (one group of keys in opposite orders): each gets the first id. */
    @Test
    void the_same_idempotency_keys_at_two_instances_at_once_each_get_the_first_id() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "several instances share a PostgreSQL server, not an embedded H2 file");
        int groups = 10;
        int keysPerGroup = 16;
        try (RunningBridge a = RunningBridge.start(properties(Map.of()));
                RunningBridge b = RunningBridge.start(properties(Map.of()))) {
            for (int group = 0; group < groups; group++) {
                List<CompletableFuture<HttpResponse<String>>> toA = new ArrayList<>();
                List<CompletableFuture<HttpResponse<String>>> toB = new ArrayList<>();
                for (int i = 0; i < keysPerGroup; i++) {
                    toA.add(sendKeyed(a, "key-" + group + "-" + i));
                    toB.add(sendKeyed(b, "key-" + group + "-" + (keysPerGroup - 1 - i)));
                }
                for (int i = 0; i < keysPerGroup; i++) {
                    String idFromA = idIn(toA.get(i).get(30, TimeUnit.SECONDS));
                    String idFromB = idIn(toB.get(keysPerGroup - 1 - i).get(30, TimeUnit.SECONDS));
                    assertEquals(idFromA, idFromB);
                }
            }
        }
        assertEquals(groups * keysPerGroup, database.count("oneio_outbox"));
    }

    private static CompletableFuture<HttpResponse<String>> sendKeyed(RunningBridge bridge, String key) {
        return RunningBridge.client().sendAsync(HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void two_instances_on_one_postgresql_deliver_each_of_1000_messages_exactly_once() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "several instances share a PostgreSQL server, not an embedded H2 file");
        Map<String, String> properties = properties(Map.of("oneio.delivery.poll-ms", "20", "oneio.delivery.batch-size", "16"));

        try (RunningBridge a = RunningBridge.start(properties); RunningBridge b = RunningBridge.start(properties)) {
            for (int n = 0; n < 1000; n++) {
                RunningBridge target = n % 2 == 0 ? a : b;
                HttpResponse<String> response = target.postJson("/oneio/messages", "{\"n\":" + n + "}");
                assertEquals(202, response.statusCode(), response.body());
            }
            Await.until("1000 delivered", Duration.ofSeconds(120), () -> database.rows(
                    "SELECT id FROM oneio_outbox WHERE status = 'DELIVERED'").size() == 1000);
        }

        assertEquals(1000, oneio.receiverRequests().size(), "each message POSTed exactly once");
        assertEquals(1000, deliveredNumbers().size());
        JsonNode attempts = JSON.valueToTree(database.rows("SELECT MAX(attempts) AS m FROM oneio_outbox").get(0));
        assertEquals(1, attempts.get("m").asInt());
    }
}
