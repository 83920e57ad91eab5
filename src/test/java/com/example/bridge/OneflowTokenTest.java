package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.bridge.support.Answers.json;

import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Show Token Authentication: the token endpoint, the connect page and the account view, through HTTP. */
class OneflowTokenTest {

    private static final String TOKEN = FakeOneflow.token("pasted");
    private static final long ACCOUNT = 777;

    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static RunningBridge bridge;

    @BeforeAll
    static void start() {
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        bridge = RunningBridge.start(properties);
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

    private Map<String, Object> row(long accountId) {
        return database.firstRow("SELECT * FROM oneflow_account WHERE account_id = " + accountId);
    }

    @Test
    void pasted_token_links_the_account_oneflow_names() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Pasted & Co \"AB\"");

        HttpResponse<String> response = bridge.postJson("/oneflow/token",
                "{\"token\":\"" + TOKEN + "\",\"email\":\"ops@pasted.example\"}");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(ACCOUNT, body.get("account_id").asLong());
        assertEquals("enabled", body.get("status").asText());
        assertEquals("Pasted & Co \"AB\"", body.get("account_name").asText());
        Map<String, Object> row = row(ACCOUNT);
        assertEquals(TOKEN, TestSecurity.tokenIn(row));
        assertEquals("ops@pasted.example", row.get("user_email"));
        assertEquals("ENABLED", row.get("status"));
        assertEquals("ops@pasted.example", oneflow.requestsWith(TOKEN).get(0).getHeader("x-oneflow-user-email"));
    }

    @Test
    void the_connect_page_form_post_is_accepted() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Form AB");
        String form = "token=" + TOKEN + "&email=" + URLEncoder.encode("form@pasted.example", StandardCharsets.UTF_8);

        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Form AB", json(response).get("account_name").asText());
        assertEquals("form@pasted.example", row(ACCOUNT).get("user_email"));
    }

    @Test
    void a_token_oneflow_refuses_is_401_and_stores_nothing() throws Exception {
        oneflow.status(TOKEN, 401);

        HttpResponse<String> response = bridge.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}");

        assertEquals(401, response.statusCode());
        assertEquals("Invalid Oneflow API Token", json(response).get("message").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    /** The connect page's user can mend this (a mistyped email, say): no "try again later". */
    @Test
    void another_refusal_from_oneflow_is_422_and_stores_nothing() throws Exception {
        oneflow.answer(TOKEN, aResponse().withStatus(404).withHeader("Retry-After", "30"));

        HttpResponse<String> response = bridge.postJson("/oneflow/token",
                "{\"token\":\"" + TOKEN + "\",\"email\":\"jane@acme.example\"}");

        assertEquals(422, response.statusCode(), response.body());
        assertEquals("oneflow_refused", json(response).get("error").asText());
        assertEquals("Oneflow refused to check this token (HTTP 404); check the token and the user email",
                json(response).get("message").asText());
        assertFalse(response.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void oneflow_down_is_502_and_stores_nothing() throws Exception {
        oneflow.status(TOKEN, 503);

        HttpResponse<String> response = bridge.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}");

        assertEquals(502, response.statusCode());
        assertEquals("oneflow_unavailable", json(response).get("error").asText());
        assertEquals(0, database.count("oneflow_account"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json        | `token=`                                   | invalid_json    |",
        "missing token   | `{\"email\":\"a@b.se\"}`                   | invalid_request | token",
        "short token     | `{\"token\":\"abc\"}`                      | invalid_request | token",
        "bad email       | `{\"token\":\"abcdefghijabcdefghijabcdefghijabcdefghij\",\"email\":\"@\"}` | invalid_request | email",
        "not an object   | `\"abcdefghijabcdefghijabcdefghijabcdefghij\"` | invalid_request |",
    })
    void bad_submissions_are_400(String name, String body, String error, String field) throws Exception {
        HttpResponse<String> response = bridge.postJson("/oneflow/token", body);

        assertEquals(400, response.statusCode(), response.body());
        JsonNode json = json(response);
        assertEquals(error, json.get("error").asText());
        if (field != null) {
            assertTrue(json.get("message").asText().contains(field), json.get("message").asText());
        }
        assertEquals(0, oneflow.requestCount());
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void get_on_the_token_endpoint_is_405() throws Exception {
        HttpResponse<String> response = bridge.get("/oneflow/token");

        assertEquals(405, response.statusCode());
        assertEquals("method_not_allowed", json(response).get("error").asText());
    }

    @Test
    void the_connect_page_is_self_contained_html_with_the_linking_fields() {
        HttpResponse<String> response = bridge.get("/oneflow/connect");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String page = response.body();
        assertTrue(page.contains("API Token") && page.contains("User Email") && page.contains(">Connect<"), page);
        assertTrue(page.contains("action=\"/oneflow/token\""));
        assertFalse(page.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external resources");
    }

    @Test
    void the_account_view_masks_the_token() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Masked AB");
        assertEquals(200, bridge.postJson("/oneflow/token",
                "{\"token\":\"" + TOKEN + "\",\"email\":\"ops@pasted.example\"}").statusCode());

        HttpResponse<String> response = bridge.get("/oneflow/accounts/" + ACCOUNT);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(ACCOUNT, body.get("account_id").asLong());
        assertEquals("enabled", body.get("status").asText());
        assertEquals("Masked AB", body.get("account_name").asText());
        assertEquals("ops@pasted.example", body.get("user_email").asText());
        assertEquals(TOKEN.substring(0, 4) + "..." + TOKEN.substring(36), body.get("token").asText());
        assertFalse(response.body().contains(TOKEN.substring(4, 36)));
        Instant updatedAt = Instant.parse(body.get("updated_at").asText());
        assertTrue(updatedAt.isAfter(Instant.now().minusSeconds(300)), updatedAt.toString());
    }

    @Test
    void a_disabled_account_shows_no_token() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Disabled AB");
        bridge.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}");
        oneflow.status(TOKEN, 401);
        assertEquals(200, bridge.postJson("/oneflow/setup", "{\"account_id\":" + ACCOUNT + ",\"event\":\"disable\"}").statusCode());

        JsonNode body = json(bridge.get("/oneflow/accounts/" + ACCOUNT));

        assertEquals("disabled", body.get("status").asText());
        assertTrue(body.get("token").isNull());
    }

    @ParameterizedTest
    @CsvSource({"/oneflow/accounts/424242", "/oneflow/accounts/abc", "/oneflow/accounts/0", "/oneflow/accounts/99999999999999999999"})
    void unknown_or_malformed_accounts_are_404(String path) throws Exception {
        HttpResponse<String> response = bridge.get(path);

        assertEquals(404, response.statusCode());
        assertEquals("not_found", json(response).get("error").asText());
    }

    @Test
    void health_is_up_on_the_management_port() throws Exception {
        HttpResponse<String> response = bridge.send(HttpRequest.newBuilder(bridge.managementUri("/observe/health")).GET());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("UP", json(response).get("status").asText());
    }

    @Test
    void post_on_an_account_is_405() throws Exception {
        HttpResponse<String> response = bridge.postJson("/oneflow/accounts/1", "{}");

        assertEquals(405, response.statusCode());
        assertNull(row(1));
    }
}
