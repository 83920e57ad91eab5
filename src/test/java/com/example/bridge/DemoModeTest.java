package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.Await;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's demo: the bundle with its local Oneflow and ONEiO simulators, driven exactly as the printed curl lines do. */
class DemoModeTest {

    private static final String DEMO_TOKEN = "demo-token-0123456789abcdefghijklmnopqrs";

    private static TestDatabase database;
    private static RunningBridge demo;

    @BeforeAll
    static void startDemo() throws Exception {
        database = TestDatabase.create();
        database.clear("oneflow_account", "oneio_outbox");
        demo = RunningBridge.start(database.bridgeProperties(), "demo");
    }

    @AfterAll
    static void stopDemo() throws Exception {
        demo.close();
    }

    @Test
    void an_account_is_enabled_and_a_message_delivered_with_no_external_system() throws Exception {
        HttpResponse<String> enabled = demo.postJson("/oneflow/setup", """
                {"account_id":1001,"event":"enable","data":{"token":"%s","email":"ann@example.com"}}""".formatted(DEMO_TOKEN));
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertEquals("Demo Company AB", json(enabled).path("account_name").asText());
        assertEquals("ENABLED", database.firstRow("SELECT status FROM oneflow_account WHERE account_id = 1001").get("status"));

        HttpResponse<String> accepted = demo.postJson("/oneio/messages", "{\"summary\":\"Printer on fire\",\"priority\":1}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        String id = json(accepted).path("id").asText();

        Await.until("message " + id + " delivered", Duration.ofSeconds(20),
                () -> "delivered".equals(statusOf(id)));
        JsonNode delivered = json(demo.get("/oneio/messages/" + id));
        assertEquals(200, delivered.path("last_status").asInt());
        assertEquals(1, delivered.path("attempts").asInt());
    }

    @Test
    void the_oneflow_simulator_refuses_an_invalid_token() throws Exception {
        HttpResponse<String> refused = demo.postJson("/oneflow/token",
                "{\"token\":\"invalid-0123456789abcdefghijklmnopqrstuv\"}");
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("invalid_oneflow_token", json(refused).path("error").asText());
    }

    @Test
    void the_simulators_are_not_loaded_outside_demo_mode() throws Exception {
        try (RunningBridge plain = RunningBridge.start(database.bridgeProperties())) {
            assertEquals(404, plain.get("/demo/oneflow/v1/accounts/me").statusCode());
            assertEquals(404, plain.postJson("/demo/oneio/api/v2", "{}").statusCode());
        }
    }

    private static String statusOf(String messageId) {
        try {
            return json(demo.get("/oneio/messages/" + messageId)).path("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
