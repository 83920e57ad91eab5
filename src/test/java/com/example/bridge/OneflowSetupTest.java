package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Setup URL (Automatic Authentication), through HTTP, against WireMock as Oneflow and a real database. */
class OneflowSetupTest {

    private static final String TOKEN = FakeOneflow.token("acme");
    private static final long ACCOUNT = 123;

    private static final String SETUP_KEY = "setup-key-0123456789ab";

    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static RunningBridge bridge;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
        bridge = RunningBridge.start(properties(Map.of()));
    }

    @AfterAll
    static void stop() {
        bridge.close();
        oneflow.close();
    }

    @BeforeEach
    void clean() {
        database.clear("oneflow_account");
        oneflow.reset();
    }

    static Map<String, String> properties(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        properties.putAll(extra);
        return properties;
    }

    static String enable(long accountId, String token, String email) {
        String data = email == null ? "{\"token\":\"" + token + "\"}"
                : "{\"token\":\"" + token + "\",\"email\":\"" + email + "\"}";
        return "{\"account_id\":" + accountId + ",\"event\":\"enable\",\"data\":" + data + "}";
    }

    private Map<String, Object> row(long accountId) {
        return database.firstRow("SELECT * FROM oneflow_account WHERE account_id = " + accountId);
    }

    @Test
    void enable_with_valid_token_stores_the_account() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, "jane@acme.example"));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(ACCOUNT, body.get("account_id").asLong());
        assertEquals("enabled", body.get("status").asText());
        assertEquals("Acme AB", body.get("account_name").asText());
        assertFalse(body.has("oauth_link"));
        Map<String, Object> row = row(ACCOUNT);
        assertEquals("ENABLED", row.get("status"));
        assertEquals(TOKEN, TestSecurity.tokenIn(row));
        assertEquals("jane@acme.example", row.get("user_email"));
        assertEquals("Acme AB", row.get("account_name"));
        assertTrue(row.get("created_at") != null && row.get("updated_at") != null);
        var sent = oneflow.requestsWith(TOKEN);
        assertEquals(1, sent.size());
        assertEquals("jane@acme.example", sent.get(0).getHeader("x-oneflow-user-email"));
    }

    /** A cookie in Oneflow's answer for one account never goes out with another account's call. */
    @Test
    void a_cookie_from_one_accounts_answer_is_not_sent_with_the_next_accounts_call() throws Exception {
        String otherToken = FakeOneflow.token("other-account");
        oneflow.answer(TOKEN, FakeOneflow.accountAnswer(ACCOUNT, "Acme AB")
                .withHeader("Set-Cookie", "session=acme; Path=/"));
        oneflow.account(otherToken, 4242, "Other AB");

        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(4242, otherToken, null)).statusCode());

        assertFalse(oneflow.requestsWith(otherToken).get(0).containsHeader("Cookie"));
    }

    @Test
    void enable_without_email_sends_no_email_header_and_stores_none() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(200, response.statusCode(), response.body());
        assertNull(row(ACCOUNT).get("user_email"));
        assertFalse(oneflow.requestsWith(TOKEN).get(0).containsHeader("x-oneflow-user-email"));
    }

    /** The name is display text from Oneflow: cut to the column's 512 characters, a NUL stored as U+FFFD. */
    @Test
    void an_account_name_too_long_for_its_column_or_with_a_nul_is_stored_cut_and_cleaned() throws Exception {
        String longName = "Å".repeat(600);
        oneflow.answer(TOKEN, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":" + ACCOUNT + ",\"name\":\"Acme\\u0000 " + longName + "\"}"));

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(200, response.statusCode(), response.body());
        String stored = ("Acme\uFFFD " + longName).substring(0, 512);
        assertEquals(stored, row(ACCOUNT).get("account_name"));
        assertEquals(stored, json(response).get("account_name").asText());
    }

    @Test
    void enable_again_replaces_the_token_and_keeps_created_at() throws Exception {
        String newToken = FakeOneflow.token("acme-rotated");
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        oneflow.account(newToken, ACCOUNT, "Acme Renamed AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        Object createdAt = row(ACCOUNT).get("created_at");

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, newToken, "new@acme.example"));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> row = row(ACCOUNT);
        assertEquals(newToken, TestSecurity.tokenIn(row));
        assertEquals("Acme Renamed AB", row.get("account_name"));
        assertEquals("new@acme.example", row.get("user_email"));
        assertEquals(createdAt, row.get("created_at"));
        assertEquals(1, database.count("oneflow_account"));
    }

    @Test
    void enable_with_mismatched_account_is_rejected() throws Exception {
        oneflow.account(TOKEN, 999, "Someone Else AB");

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(403, response.statusCode());
        assertEquals("account_mismatch", json(response).get("error").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @ParameterizedTest
    @CsvSource({"401", "403"})
    void enable_with_token_oneflow_refuses_is_401(int oneflowStatus) throws Exception {
        oneflow.status(TOKEN, oneflowStatus);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(401, response.statusCode());
        JsonNode body = json(response);
        assertEquals("invalid_oneflow_token", body.get("error").asText());
        assertEquals("Invalid Oneflow API Token", body.get("message").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void enable_of_an_existing_account_with_a_refused_token_keeps_the_stored_one() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        String refused = FakeOneflow.token("refused");
        oneflow.status(refused, 401);

        assertEquals(401, bridge.postJson("/oneflow/setup", enable(ACCOUNT, refused, null)).statusCode());

        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    @Test
    void oneflow_rate_limit_becomes_502_with_its_retry_after() throws Exception {
        oneflow.answer(TOKEN, aResponse().withStatus(429).withHeader("Retry-After", "120"));

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(502, response.statusCode());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
        assertEquals("120", response.headers().firstValue("Retry-After").orElse(null));
        assertEquals(1, oneflow.requestsWith(TOKEN).size(), "a 429 is not retried by the bundle");
        assertEquals(0, database.count("oneflow_account"));
    }

    /** Asking again would not help: not a 502, whose message says to try again later. */
    @ParameterizedTest
    @ValueSource(ints = {400, 404, 422})
    void another_oneflow_refusal_becomes_422_and_stores_nothing(int status) throws Exception {
        oneflow.status(TOKEN, status);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, "jane@acme.example"));

        assertEquals(422, response.statusCode(), response.body());
        assertEquals("oneflow_refused", json(response).get("error").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void oneflow_server_error_becomes_502() throws Exception {
        oneflow.status(TOKEN, 500);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(502, response.statusCode());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
        assertFalse(response.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void slow_oneflow_times_out_as_502() throws Exception {
        oneflow.slow(TOKEN, ACCOUNT, 3000);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(502, response.statusCode());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void dropped_connection_becomes_502() throws Exception {
        oneflow.fault(TOKEN, Fault.CONNECTION_RESET_BY_PEER);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(502, response.statusCode());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
    }

    @Test
    void unreadable_oneflow_answer_becomes_502() throws Exception {
        oneflow.answer(TOKEN, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("<html>"));

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

        assertEquals(502, response.statusCode());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void refused_connection_becomes_502() throws Exception {
        int closedPort = RunningBridge.freePort();
        try (RunningBridge unreachable = RunningBridge.start(
                properties(Map.of("oneflow.api-url", "http://127.0.0.1:" + closedPort)))) {

            HttpResponse<String> response = unreachable.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

            assertEquals(502, response.statusCode());
            assertEquals("oneflow_unavailable", json(response).get("error").asText());
            assertEquals(0, database.count("oneflow_account"));
        }
    }

    @Test
    void oauth_link_is_returned_when_configured() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        try (RunningBridge withLink = RunningBridge.start(
                properties(Map.of("oneflow.setup.oauth-link", "https://product.example/oauth/start")))) {

            HttpResponse<String> response = withLink.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("https://product.example/oauth/start", json(response).get("oauth_link").asText());
        }
    }

    @Test
    void disable_erases_the_token_and_keeps_the_row_once_oneflow_refuses_the_token() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, "jane@acme.example")).statusCode());
        oneflow.status(TOKEN, 401);
        int oneflowCalls = oneflow.requestCount();

        HttpResponse<String> response = bridge.postJson("/oneflow/setup",
                "{\"account_id\":123,\"event\":\"disable\",\"data\":{\"token\":null}}");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(ACCOUNT, body.get("account_id").asLong());
        assertEquals("disabled", body.get("status").asText());
        Map<String, Object> row = row(ACCOUNT);
        assertEquals("DISABLED", row.get("status"));
        assertNull(row.get("api_token"));
        assertEquals("Acme AB", row.get("account_name"));
        assertEquals(oneflowCalls + 1, oneflow.requestCount(), "without oneflow.setup.key a disable asks Oneflow once");
        assertEquals(2, oneflow.requestsWith(TOKEN).size(), "with the stored token, decrypted");
    }

    @Test
    void disable_while_the_stored_token_still_works_is_refused_and_changes_nothing() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", "{\"account_id\":123,\"event\":\"disable\"}");

        assertEquals(409, response.statusCode(), response.body());
        assertEquals("token_still_valid", json(response).get("error").asText());
        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    /**
     * Without the setup key a disable checks the stored token with Oneflow first. A new token stored by an enable that
     * arrived meanwhile was not checked: the disable leaves it (it erased it before).
     */
    @Test
    void a_disable_keeps_the_new_token_of_an_enable_that_arrived_while_it_checked_the_old_one() throws Exception {
        String newToken = FakeOneflow.token("acme-new");
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        oneflow.answer(TOKEN, aResponse().withStatus(401).withFixedDelay(800));
        oneflow.account(newToken, ACCOUNT, "Acme AB");

        CompletableFuture<HttpResponse<String>> disable = postAsync("{\"account_id\":123,\"event\":\"disable\"}");
        Await.until("the disable asked Oneflow", Duration.ofSeconds(10), () -> oneflow.requestsWith(TOKEN).size() == 2);
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, newToken, null)).statusCode());
        HttpResponse<String> response = disable.join();

        assertEquals(409, response.statusCode(), response.body());
        assertEquals("superseded", json(response).get("error").asText());
        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(newToken, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    /** Two enables of one account: the one that arrived last decides, whichever Oneflow answers first. */
    @Test
    void an_enable_does_not_overwrite_the_token_of_an_enable_that_arrived_after_it() throws Exception {
        String newToken = FakeOneflow.token("acme-new");
        oneflow.slow(TOKEN, ACCOUNT, 800);
        oneflow.account(newToken, ACCOUNT, "Acme AB");

        CompletableFuture<HttpResponse<String>> older = postAsync(enable(ACCOUNT, TOKEN, null));
        Await.until("the older enable asked Oneflow", Duration.ofSeconds(10), () -> oneflow.requestsWith(TOKEN).size() == 1);
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, newToken, null)).statusCode());
        HttpResponse<String> response = older.join();

        assertEquals(409, response.statusCode(), response.body());
        assertEquals("superseded", json(response).get("error").asText());
        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(newToken, TestSecurity.tokenIn(row(ACCOUNT)));
        assertEquals("Acme AB", row(ACCOUNT).get("account_name"));
    }

    /** Only a 401 or 403 proves the stored token dead: an outage (503) or another refusal (404) cannot tell. */
    @ParameterizedTest
    @ValueSource(ints = {503, 404})
    void disable_when_oneflow_cannot_tell_answers_502_and_changes_nothing(int status) throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        oneflow.status(TOKEN, status);

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", "{\"account_id\":123,\"event\":\"disable\"}");

        assertEquals(502, response.statusCode(), response.body());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    /**
     * With the Setup URL key a disable is Oneflow's own. One that arrives while an earlier enable of a new account
     * still waits for accounts/me wins: Oneflow revoked that enable's token at the disable. Before, the disable
     * found no row, stored nothing, and the enable then stored the revoked token as ENABLED.
     */
    @Test
    void with_the_setup_key_a_disable_of_a_new_account_supersedes_the_enable_that_arrived_before_it() throws Exception {
        String setup = "/oneflow/setup?key=" + SETUP_KEY;
        oneflow.slow(TOKEN, ACCOUNT, 800);
        try (RunningBridge keyed = RunningBridge.start(properties(Map.of("oneflow.setup.key", SETUP_KEY)))) {
            CompletableFuture<HttpResponse<String>> enable = postAsync(keyed, setup, enable(ACCOUNT, TOKEN, null));
            Await.until("the enable asked Oneflow", Duration.ofSeconds(10), () -> oneflow.requestsWith(TOKEN).size() == 1);
            HttpResponse<String> disable = keyed.postJson(setup, "{\"account_id\":123,\"event\":\"disable\"}");
            HttpResponse<String> enabled = enable.join();

            assertEquals(200, disable.statusCode(), disable.body());
            assertEquals(409, enabled.statusCode(), enabled.body());
            assertEquals("superseded", json(enabled).get("error").asText());
            assertEquals("DISABLED", row(ACCOUNT).get("status"));
            assertNull(row(ACCOUNT).get("api_token"));

            oneflow.account(TOKEN, ACCOUNT, "Acme AB");
            assertEquals(200, keyed.postJson(setup, enable(ACCOUNT, TOKEN, null)).statusCode(), "enabled again later");
            assertEquals("ENABLED", row(ACCOUNT).get("status"));
            assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
        }
    }

    @Test
    void disable_of_an_unknown_account_answers_200_and_stores_nothing() throws Exception {
        HttpResponse<String> response = bridge.postJson("/oneflow/setup", "{\"account_id\":404,\"event\":\"disable\"}");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("disabled", json(response).get("status").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void enable_after_disable_restores_the_account() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null));
        oneflow.status(TOKEN, 401);
        assertEquals(200, bridge.postJson("/oneflow/setup", "{\"account_id\":123,\"event\":\"disable\"}").statusCode());
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");

        assertEquals(200, bridge.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());

        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json                  | `{account_id: 1`                                                              | 400 | invalid_json     |",
        "empty body                | ``                                                                            | 400 | invalid_json     |",
        "trailing garbage          | `{\"account_id\":1,\"event\":\"disable\"} x`                                  | 400 | invalid_json     |",
        "duplicate key             | `{\"account_id\":1,\"account_id\":2,\"event\":\"disable\"}`                   | 400 | invalid_json     |",
        "array                     | `[1,2]`                                                                       | 400 | invalid_request  |",
        "missing account_id        | `{\"event\":\"disable\"}`                                                     | 400 | invalid_request  | account_id",
        "account_id as string      | `{\"account_id\":\"123\",\"event\":\"disable\"}`                              | 400 | invalid_request  | account_id",
        "account_id negative       | `{\"account_id\":-5,\"event\":\"disable\"}`                                   | 400 | invalid_request  | account_id",
        "account_id fraction       | `{\"account_id\":1.5,\"event\":\"disable\"}`                                  | 400 | invalid_request  | account_id",
        "account_id too big        | `{\"account_id\":99999999999999999999999,\"event\":\"disable\"}`              | 400 | invalid_request  | account_id",
        "missing event             | `{\"account_id\":1}`                                                          | 400 | invalid_request  | event",
        "event not a string        | `{\"account_id\":1,\"event\":true}`                                           | 400 | invalid_request  | event",
        "unknown event             | `{\"account_id\":1,\"event\":\"delete\"}`                                     | 400 | invalid_request  | event",
        "enable without data       | `{\"account_id\":1,\"event\":\"enable\"}`                                     | 400 | invalid_request  | data.token",
        "data not an object        | `{\"account_id\":1,\"event\":\"enable\",\"data\":\"x\"}`                      | 400 | invalid_request  | data",
        "enable without token      | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"email\":\"a@b.se\"}}`     | 400 | invalid_request  | data.token",
        "token too short           | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abc\"}}`        | 400 | invalid_request  | data.token",
        "token with bad characters | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abcdefghij'; DROP TABLE x; --abcdefghijklm\"}}` | 400 | invalid_request | data.token",
        "token not a string        | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":12}}`             | 400 | invalid_request  | data.token",
        "email malformed           | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abcdefghijabcdefghijabcdefghijabcdefghij\",\"email\":\"not-an-email\"}}` | 400 | invalid_request | data.email",
        "email with a NUL          | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abcdefghijabcdefghijabcdefghijabcdefghij\",\"email\":\"a\\u0000b@acme.example\"}}` | 400 | invalid_request | data.email",
    })
    void bad_input_is_a_4xx_json_error_and_changes_nothing(String name, String body, int status, String error, String field)
            throws Exception {
        oneflow.account("abcdefghijabcdefghijabcdefghijabcdefghij", 1, "Should Not Be Called");

        HttpResponse<String> response = bridge.postJson("/oneflow/setup", body == null ? "" : body);

        assertEquals(status, response.statusCode(), response.body());
        JsonNode json = json(response);
        assertEquals(error, json.get("error").asText());
        assertTrue(json.get("message").asText().length() > 0);
        if (field != null) {
            assertTrue(json.get("message").asText().contains(field), json.get("message").asText());
        }
        assertEquals(0, oneflow.requestCount());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void body_over_the_limit_is_413() throws Exception {
        String padding = "x".repeat(70_000);
        HttpResponse<String> response = bridge.postJson("/oneflow/setup",
                "{\"account_id\":1,\"event\":\"disable\",\"padding\":\"" + padding + "\"}");

        assertEquals(413, response.statusCode());
        assertEquals("payload_too_large", json(response).get("error").asText());
    }

    @ParameterizedTest
    @CsvSource({"application/x-www-form-urlencoded", "text/plain"})
    void a_body_declared_as_something_else_than_json_is_415(String contentType) throws Exception {
        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/setup"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"account_id\":1,\"event\":\"disable\"}")));

        assertEquals(415, response.statusCode());
        assertEquals("unsupported_media_type", json(response).get("error").asText());
    }

    @Test
    void a_body_without_content_type_is_read_as_json() throws Exception {
        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/setup"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"account_id\":1,\"event\":\"disable\"}")));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("disabled", json(response).get("status").asText());
    }

    @ParameterizedTest
    @CsvSource({"GET", "PUT", "DELETE"})
    void other_methods_are_405(String method) throws Exception {
        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/setup"))
                .method(method, HttpRequest.BodyPublishers.noBody()));

        assertEquals(405, response.statusCode());
        assertEquals("method_not_allowed", json(response).get("error").asText());
        assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void no_token_in_any_log_line_or_response_header() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        String refused = FakeOneflow.token("refused");
        oneflow.status(refused, 401);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (CapturedLogs logs = CapturedLogs.attach()) {
            responses.add(bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/setup"))
                    .header("Content-Type", "application/json").header("x-oneflow-api-token", TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(enable(ACCOUNT, TOKEN, "jane@acme.example")))));
            responses.add(bridge.postJson("/oneflow/setup", enable(ACCOUNT, refused, null)));
            responses.add(bridge.postJson("/oneflow/setup", enable(999, TOKEN, null)));
            responses.add(bridge.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}"));
            responses.add(bridge.get("/oneflow/accounts/" + ACCOUNT));

            assertFalse(logs.lines().isEmpty(), "the flow logs its events");
            for (String line : logs.lines()) {
                assertFalse(line.contains(TOKEN) || line.contains(refused), "token in log line: " + line);
            }
        }
        for (HttpResponse<String> response : responses) {
            String headers = response.headers().map().toString();
            assertFalse(headers.contains(TOKEN) || headers.contains(refused), "token in response headers: " + headers);
            assertFalse(response.body().contains(TOKEN) || response.body().contains(refused), response.body());
        }
    }

    @Test
    void fifty_parallel_enables_of_one_account_make_one_row() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");

        List<HttpResponse<String>> responses = parallel(IntStream.range(0, 50)
                .mapToObj(i -> enable(ACCOUNT, TOKEN, "user" + i + "@acme.example")).toList());

        // Each stored, or superseded by one that arrived after it and was stored first.
        for (HttpResponse<String> response : responses) {
            assertTrue(response.statusCode() == 200 || response.statusCode() == 409
                    && "superseded".equals(json(response).get("error").asText()), response.body());
        }
        assertTrue(responses.stream().anyMatch(response -> response.statusCode() == 200));
        assertEquals(1, database.count("oneflow_account"));
        assertEquals("ENABLED", row(ACCOUNT).get("status"));
        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
    }

    @Test
    void fifty_parallel_enables_of_fifty_accounts_make_fifty_rows() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            String token = FakeOneflow.token("account" + i);
            oneflow.account(token, 1000 + i, "Account " + i);
            bodies.add(enable(1000 + i, token, null));
        }

        List<HttpResponse<String>> responses = parallel(bodies);

        for (HttpResponse<String> response : responses) {
            assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(50, database.count("oneflow_account"));
        assertEquals(50, database.rows("SELECT account_id FROM oneflow_account WHERE status = 'ENABLED'").size());
    }

    @Test
    void a_restart_keeps_the_accounts() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Acme AB");
        try (RunningBridge first = RunningBridge.start(properties(Map.of()))) {
            assertEquals(200, first.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)).statusCode());
        }

        try (RunningBridge second = RunningBridge.start(properties(Map.of()))) {
            HttpResponse<String> response = second.get("/oneflow/accounts/" + ACCOUNT);

            assertEquals(200, response.statusCode(), response.body());
            assertEquals("Acme AB", json(response).get("account_name").asText());
        }
        assertEquals(TOKEN, TestSecurity.tokenIn(row(ACCOUNT)));
        if (TestDatabase.isPostgres()) {
            // the class's own bridge (pool of 10) and this query: the two stopped bridges closed their pools
            long connections = ((Number) database.rows("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE backend_type = "
                    + "'client backend'").get(0).get("n")).longValue();
            assertTrue(connections <= 11, connections + " connections open");
        }
    }

    private static List<HttpResponse<String>> parallel(List<String> bodies) {
        List<CompletableFuture<HttpResponse<String>>> futures = bodies.stream().map(OneflowSetupTest::postAsync).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return postAsync(bridge, "/oneflow/setup", body);
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(RunningBridge target, String path, String body) {
        return RunningBridge.client().sendAsync(HttpRequest.newBuilder(target.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
