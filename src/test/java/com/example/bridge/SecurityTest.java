package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.bridge.OneflowSetupTest.enable;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bundle as a credential store: tokens encrypted at rest, key rotation, API keys, the Setup URL key. */
class SecurityTest {

    private static final String SENDER_KEY = "sender-key-0123456789";
    private static final String ADMIN_KEY = "admin-key-0123456789abc";
    private static final byte[] NEW_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final String NEW_KEYS = "k2:" + Base64.getEncoder().encodeToString(NEW_KEY);
    private static final String SETUP_KEY = "setup-key-abcdefghijklmnop";

    private static TestDatabase database;
    private static FakeOneflow oneflow;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
    }

    @AfterAll
    static void stop() {
        oneflow.close();
    }

    @BeforeEach
    void clean() {
        database.clear("oneflow_account", "oneio_outbox");
        oneflow.reset();
    }

    private static Map<String, String> secured(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        properties.put("security.api-keys", "orders:" + SENDER_KEY);
        properties.put("security.admin-api-keys", "ops:" + ADMIN_KEY);
        properties.put("security.allow-open-entry-points", "false");
        properties.putAll(extra);
        return properties;
    }

    private static HttpResponse<String> get(RunningBridge bridge, String path, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.uri(path)).GET();
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return bridge.send(request);
    }

    private static HttpResponse<String> post(RunningBridge bridge, String path, String json, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return bridge.send(request);
    }

    private static String storedToken(long accountId) {
        return (String) database.firstRow("SELECT api_token FROM oneflow_account WHERE account_id = " + accountId)
                .get("api_token");
    }

    @Test
    void a_stored_token_is_encrypted_with_the_account_id_bound_to_it() throws Exception {
        String token = FakeOneflow.token("sealed");
        oneflow.account(token, 11, "Sealed AB");
        oneflow.account(FakeOneflow.token("other"), 12, "Other AB");
        try (RunningBridge bridge = RunningBridge.start(secured(Map.of()))) {
            assertEquals(200, bridge.postJson("/oneflow/setup", enable(11, token, null)).statusCode());
            assertEquals(200, bridge.postJson("/oneflow/setup", enable(12, FakeOneflow.token("other"), null)).statusCode());

            String stored = storedToken(11);
            assertFalse(stored.contains(token), "not in plain text");
            assertTrue(stored.startsWith("v1:" + TestSecurity.TOKEN_KEY_ID + ":"), stored.substring(0, 10));
            assertEquals(token, TestSecurity.decrypt(11, stored, TestSecurity.TOKEN_KEY_ID, TestSecurity.TOKEN_KEY));
            assertNotEquals(stored, storedToken(12));

            // Account 11's sealed token copied into account 12's row does not decrypt there.
            database.update("UPDATE oneflow_account SET api_token = '" + stored + "' WHERE account_id = 12");
            HttpResponse<String> moved = get(bridge, "/oneflow/accounts/12/token", ADMIN_KEY);
            assertEquals(500, moved.statusCode());
            assertEquals("internal_error", json(moved).get("error").asText());
            assertFalse(moved.body().contains(token));
        }
    }

    @Test
    void the_whole_token_is_returned_only_with_an_admin_key_and_each_read_is_logged() throws Exception {
        String token = FakeOneflow.token("downstream");
        oneflow.account(token, 21, "Downstream AB");
        try (RunningBridge bridge = RunningBridge.start(secured(Map.of()))) {
            assertEquals(200, bridge.postJson("/oneflow/setup", enable(21, token, null)).statusCode());

            for (String key : new String[] {null, "wrong-key-0123456789", SENDER_KEY}) {
                HttpResponse<String> refused = get(bridge, "/oneflow/accounts/21/token", key);
                assertEquals(401, refused.statusCode(), String.valueOf(key));
                assertEquals("unauthorized", json(refused).get("error").asText());
                assertFalse(refused.body().contains(token));
            }
            try (CapturedLogs logs = CapturedLogs.attach()) {
                HttpResponse<String> read = get(bridge, "/oneflow/accounts/21/token", ADMIN_KEY);
                assertEquals(200, read.statusCode(), read.body());
                JsonNode body = json(read);
                assertEquals(21, body.get("account_id").asLong());
                assertEquals(token, body.get("token").asText());
                assertTrue(logs.lines().stream().anyMatch(line -> line.contains("token of account 21 read with admin API key 'ops'")),
                        String.join("\n", logs.lines()));
                assertTrue(logs.lines().stream().noneMatch(line -> line.contains(token) || line.contains(ADMIN_KEY)));
            }
            assertEquals(404, get(bridge, "/oneflow/accounts/999/token", ADMIN_KEY).statusCode());
        }
    }

    @Test
    void rotation_re_encrypts_every_token_under_the_current_key_and_old_keys_keep_working_until_then() throws Exception {
        for (int account = 31; account <= 33; account++) {
            oneflow.account(FakeOneflow.token("rotate-" + account), account, "Rotate " + account);
        }
        try (RunningBridge old = RunningBridge.start(secured(Map.of()))) {
            for (int account = 31; account <= 33; account++) {
                assertEquals(200, old.postJson("/oneflow/setup", enable(account, FakeOneflow.token("rotate-" + account), null)).statusCode());
            }
        }
        Map<String, String> newFirst = Map.of("security.token-keys", NEW_KEYS + "," + TestSecurity.TOKEN_KEYS);
        try (RunningBridge bridge = RunningBridge.start(secured(newFirst))) {
            assertEquals(200, get(bridge, "/oneflow/accounts/31", SENDER_KEY).statusCode(),
                    "a token under the old key still decrypts");
            assertEquals(401, post(bridge, "/oneflow/token-keys/rotate", "", SENDER_KEY).statusCode());

            HttpResponse<String> rotated = post(bridge, "/oneflow/token-keys/rotate", "", ADMIN_KEY);
            assertEquals(200, rotated.statusCode(), rotated.body());
            assertEquals(3, json(rotated).get("rotated").asInt());
            assertEquals(0, json(rotated).get("remaining_under_old_keys").asInt());
            assertEquals(0, json(post(bridge, "/oneflow/token-keys/rotate", "", ADMIN_KEY)).get("rotated").asInt());
        }
        for (int account = 31; account <= 33; account++) {
            assertEquals(FakeOneflow.token("rotate-" + account), TestSecurity.decrypt(account, storedToken(account), "k2", NEW_KEY));
        }
        try (RunningBridge newOnly = RunningBridge.start(secured(Map.of("security.token-keys", NEW_KEYS)))) {
            HttpResponse<String> read = get(newOnly, "/oneflow/accounts/32/token", ADMIN_KEY);
            assertEquals(FakeOneflow.token("rotate-32"), json(read).get("token").asText());
        }
    }

    /**
     * A rotation that re-encrypts a token while a disable (without the Setup URL key) checks that token with Oneflow
     * does not undo the disable: the token is the same, only its encryption changed. Before, the disable compared
     * the stored ciphertext, answered 409 superseded and left the revoked token stored as ENABLED.
     */
    @Test
    void a_rotation_while_a_disable_checks_the_token_does_not_keep_the_revoked_token() throws Exception {
        String token = FakeOneflow.token("rotate-41");
        oneflow.account(token, 41, "Rotate 41");
        try (RunningBridge old = RunningBridge.start(secured(Map.of()))) {
            assertEquals(200, old.postJson("/oneflow/setup", enable(41, token, null)).statusCode());
        }
        oneflow.answer(token, aResponse().withStatus(401).withFixedDelay(800));
        try (RunningBridge bridge = RunningBridge.start(secured(Map.of("security.token-keys",
                NEW_KEYS + "," + TestSecurity.TOKEN_KEYS)))) {
            CompletableFuture<HttpResponse<String>> disable = RunningBridge.client().sendAsync(
                    HttpRequest.newBuilder(bridge.uri("/oneflow/setup")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"account_id\":41,\"event\":\"disable\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Await.until("the disable asked Oneflow", Duration.ofSeconds(10), () -> oneflow.requestsWith(token).size() == 2);
            HttpResponse<String> rotated = post(bridge, "/oneflow/token-keys/rotate", "", ADMIN_KEY);
            assertEquals(1, json(rotated).get("rotated").asInt(), rotated.body());
            HttpResponse<String> disabled = disable.join();

            assertEquals(200, disabled.statusCode(), disabled.body());
            assertEquals("DISABLED", database.firstRow("SELECT status FROM oneflow_account WHERE account_id = 41").get("status"));
            assertNull(storedToken(41));
        }
    }

    @Test
    void sender_endpoints_need_a_sender_or_admin_key() throws Exception {
        try (RunningBridge bridge = RunningBridge.start(secured(Map.of()))) {
            for (String key : new String[] {null, "", "wrong-key-0123456789", SENDER_KEY.toUpperCase()}) {
                HttpResponse<String> refused = post(bridge, "/oneio/messages", "{\"n\":1}", key);
                assertEquals(401, refused.statusCode(), String.valueOf(key));
                assertEquals("unauthorized", json(refused).get("error").asText());
                assertEquals(401, get(bridge, "/oneflow/accounts/1", key).statusCode());
                assertEquals(401, get(bridge, "/oneio/messages/00000000-0000-0000-0000-000000000000", key).statusCode());
                assertEquals(401, post(bridge, "/oneio/messages/00000000-0000-0000-0000-000000000000/retry", "", key).statusCode());
            }
            assertEquals(0, database.count("oneio_outbox"), "a refused message is not stored");

            HttpResponse<String> accepted = post(bridge, "/oneio/messages", "{\"n\":2}", SENDER_KEY);
            assertEquals(202, accepted.statusCode(), accepted.body());
            String id = json(accepted).get("id").asText();
            assertEquals(200, get(bridge, "/oneio/messages/" + id, ADMIN_KEY).statusCode(), "an admin key also works");
            assertEquals(404, get(bridge, "/oneflow/accounts/1", SENDER_KEY).statusCode());
        }
    }

    @Test
    void the_bundle_refuses_to_start_without_keys_outside_demo_mode() {
        Map<String, String> noTokenKeys = secured(Map.of("security.token-keys", ""));
        IllegalStateException noKeys = assertThrows(IllegalStateException.class, () -> RunningBridge.start(noTokenKeys));
        assertTrue(stackMessages(noKeys).contains("security.token-keys is empty"), stackMessages(noKeys));

        Map<String, String> noApiKeys = secured(Map.of("security.api-keys", "", "security.admin-api-keys", ""));
        IllegalStateException open = assertThrows(IllegalStateException.class, () -> RunningBridge.start(noApiKeys));
        assertTrue(stackMessages(open).contains("security.api-keys is empty"), stackMessages(open));
    }

    @Test
    void with_a_setup_key_the_setup_url_refuses_other_requests_and_a_disable_needs_no_oneflow_call() throws Exception {
        String token = FakeOneflow.token("keyed");
        oneflow.account(token, 41, "Keyed AB");
        try (RunningBridge bridge = RunningBridge.start(secured(Map.of("oneflow.setup.key", SETUP_KEY)))) {
            for (String path : new String[] {"/oneflow/setup", "/oneflow/setup?key=wrong", "/oneflow/setup?key="}) {
                HttpResponse<String> refused = bridge.postJson(path, enable(41, token, null));
                assertEquals(401, refused.statusCode(), path);
                assertEquals("unauthorized", json(refused).get("error").asText());
            }
            assertEquals(0, oneflow.requestCount(), "a refused request never reaches Oneflow");
            assertEquals(0, database.count("oneflow_account"));

            assertEquals(200, bridge.postJson("/oneflow/setup?key=" + SETUP_KEY, enable(41, token, null)).statusCode());
            int calls = oneflow.requestCount();
            HttpResponse<String> disabled = bridge.postJson("/oneflow/setup?key=" + SETUP_KEY, "{\"account_id\":41,\"event\":\"disable\"}");
            assertEquals(200, disabled.statusCode(), disabled.body());
            assertEquals(calls, oneflow.requestCount(), "the key proves the sender: no Oneflow call");
            assertEquals("DISABLED", database.firstRow("SELECT status FROM oneflow_account WHERE account_id = 41").get("status"));
        }
    }

    private static String stackMessages(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
