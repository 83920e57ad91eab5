package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an operator sees on the management port: liveness, readiness, Prometheus metrics; and the log lines. */
class ObservabilityTest {

    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static FakeOneio oneio;
    private static RunningBridge bridge;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        database.clear("oneflow_account", "oneio_outbox");
        oneflow = new FakeOneflow();
        oneio = new FakeOneio();
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.put("oneio.delivery.poll-ms", "50");
        properties.put("oneio.metrics.backlog-poll-ms", "100");
        bridge = RunningBridge.start(properties);
    }

    @AfterAll
    static void stop() {
        bridge.close();
        oneflow.close();
        oneio.close();
    }

    @Test
    void liveness_and_readiness_are_up_on_the_management_port() throws Exception {
        for (String path : new String[] {"/observe/health", "/observe/health/live", "/observe/health/ready"}) {
            HttpResponse<String> health = bridge.send(HttpRequest.newBuilder(bridge.managementUri(path)).GET());
            assertEquals(200, health.statusCode(), path + ": " + health.body());
            assertEquals("UP", json(health).path("status").asText(), path);
        }
    }

    @Test
    void readiness_includes_the_database_check() throws Exception {
        HttpResponse<String> ready = bridge.send(HttpRequest.newBuilder(
                bridge.managementUri("/observe/health/ready?exposureLevel=full")).GET());
        boolean databaseUp = false;
        for (var check : json(ready).path("checks")) {
            databaseUp |= "database".equals(check.path("name").asText()) && "UP".equals(check.path("status").asText());
        }
        assertTrue(databaseUp, ready.body());
    }

    @Test
    void setup_events_oneflow_calls_and_deliveries_are_counted_and_logged() throws Exception {
        String token = FakeOneflow.token("observed");
        oneflow.account(token, 4711, "Observed AB");
        oneio.issuesTokens(3600, 0, "access-observed");
        oneio.receiverAnswers("access-observed", aResponse().withStatus(200));
        try (CapturedLogs logs = CapturedLogs.attach()) {
            HttpResponse<String> enabled = bridge.postJson("/oneflow/setup",
                    "{\"account_id\":4711,\"event\":\"enable\",\"data\":{\"token\":\"" + token + "\"}}");
            assertEquals(200, enabled.statusCode(), enabled.body());
            HttpResponse<String> accepted = bridge.postJson("/oneio/messages", "{\"summary\":\"observed\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            String id = json(accepted).path("id").asText();

            Await.until("the delivery to be counted", Duration.ofSeconds(20),
                    () -> metric("bridge_oneio_delivery_outcomes_total", "outcome=\"delivered\"") == 1.0);
            Await.until("the backlog gauge to show the empty outbox", Duration.ofSeconds(20),
                    () -> metric("bridge_oneio_outbox_messages", "status=\"queued\"") == 0.0);

            assertEquals(1.0, metric("bridge_oneflow_setup_events_total", "event=\"enable\""));
            assertEquals(1.0, metric("bridge_oneflow_calls_total", "status=\"200\""));
            assertEquals(1.0, metric("bridge_oneio_messages_ingested_total", ""));
            assertEquals(1.0, metric("bridge_oneio_token_requests_total", "outcome=\"success\""));
            assertEquals(1.0, metric("bridge_oneio_delivery_latency_milliseconds_count", ""));

            assertTrue(logs.lines().stream().anyMatch(line -> line.contains("Oneflow setup: enable of account 4711 done")),
                    "a log line for the setup event");
            // Logged before it is counted: at INFO, a delivered message has no line.
            assertTrue(logs.lines().stream().noneMatch(line -> line.contains("ONEiO message " + id)),
                    "no line per delivered message at INFO");
            assertTrue(logs.lines().stream().noneMatch(line -> line.contains(token)), "no Oneflow token in the logs");

            Configurator.setLevel("oneio-deliver-message", Level.DEBUG);
            try {
                String second = json(bridge.postJson("/oneio/messages", "{\"summary\":\"observed at DEBUG\"}")).path("id").asText();
                Await.until("a DEBUG line for the delivery", Duration.ofSeconds(20),
                        () -> logs.lines().stream().anyMatch(line -> line.contains("ONEiO message " + second + ": DELIVERED")));
            } finally {
                Configurator.setLevel("oneio-deliver-message", Level.INFO);
            }
        }
    }

    /** The value of one Prometheus sample whose labels contain {@code label}; NaN when absent. */
    private static double metric(String name, String label) {
        String page = bridge.send(HttpRequest.newBuilder(bridge.managementUri("/observe/metrics")).GET()).body();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(page);
        while (sample.find()) {
            String labels = sample.group(1) == null ? "" : sample.group(1);
            if (labels.contains(label)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return Double.NaN;
    }
}
