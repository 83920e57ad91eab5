package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.example.bridge.support.Await;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundle's real answers, through HTTP, checked against src/main/resources/openapi.json with the Atlassian
 * swagger-request-validator: every request the test sends and every answer it gets must match the description.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {

    private static final Path SPEC = Path.of("src/main/resources/openapi.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = FakeOneflow.token("contract");
    private static final long ACCOUNT = 321;
    private static final int INGEST_LIMIT = 1000;
    // 500 internal_error needs a broken bean, 503 database_unavailable a database that went away: not reachable
    // through HTTP alone (FaultsIT restarts PostgreSQL under load and checks the 503s).
    private static final Set<String> NOT_EXERCISED = Set.of("500", "503");

    private static OpenApiInteractionValidator validator;
    private static JsonNode spec;
    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static FakeOneio oneio;
    private static RunningBridge bridge;
    /** The same bundle with sender, admin and Setup URL keys, for the answers that need them. */
    private static RunningBridge secured;
    private static final String SENDER_KEY = "contract-sender-key-01";
    private static final String ADMIN_KEY = "contract-admin-key-02";
    private static final String SETUP_KEY = "contract-setup-key-03";
    /** Path template -> statuses the bundle answered, across the tests of this class. */
    private static final Map<String, Set<String>> answered = new ConcurrentHashMap<>();
    private static final Set<String> testsRun = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        String document = Files.readString(SPEC);
        spec = JSON.readTree(document);
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .withStrictOperationPathMatching().build();
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
        oneio = new FakeOneio();
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.put("oneio.delivery.poll-ms", "50");
        properties.put("oneio.delivery.initial-backoff-ms", "200");
        properties.put("oneio.ingest.max-body-bytes", String.valueOf(INGEST_LIMIT));
        bridge = RunningBridge.start(properties);
        properties.put("security.api-keys", "contract:" + SENDER_KEY);
        properties.put("security.admin-api-keys", "ops:" + ADMIN_KEY);
        properties.put("security.allow-open-entry-points", "false");
        properties.put("oneflow.setup.key", SETUP_KEY);
        secured = RunningBridge.start(properties);
    }

    @AfterAll
    static void stop() {
        bridge.close();
        secured.close();
        oneflow.close();
        oneio.close();
    }

    @BeforeEach
    void clean() {
        database.clear("oneflow_account", "oneio_outbox");
        oneflow.reset();
        oneio.reset();
        // the bridge caches the first token for an hour: every test's receiver stubs use this one
        oneio.issuesTokens(3599, 0, "token-A");
    }

    @AfterEach
    void remember(TestInfo test) {
        test.getTestMethod().ifPresent(method -> testsRun.add(method.getName()));
    }

    // --- GET /openapi.json ----------------------------------------------------------------------

    @Test
    void the_served_description_is_the_resource_file_and_valid_openapi() throws Exception {
        HttpResponse<byte[]> raw = RunningBridge.client().send(HttpRequest.newBuilder(bridge.uri("/openapi.json"))
                .header("X-Echo-Check", "not-echoed").GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, raw.statusCode());
        assertEquals("application/json", raw.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(Files.readAllBytes(SPEC), raw.body());
        assertFalse(raw.headers().firstValue("X-Echo-Check").isPresent(), "request headers are not echoed");
        assertEquals(List.of(), new OpenAPIV3Parser().readContents(Files.readString(SPEC)).getMessages());
        exchange(Call.get("/openapi.json"), 200);
    }

    // --- POST /oneflow/setup and GET /oneflow/accounts/{id} ---------------------------------------

    @Test
    void enable_disable_and_the_account_view_match_the_description() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Contract AB");

        JsonNode enabled = body(exchange(Call.postJson("/oneflow/setup",
                enable(ACCOUNT, TOKEN, "jane@contract.example")), 200));
        JsonNode view = body(exchange(Call.get("/oneflow/accounts/" + ACCOUNT), 200));
        assertError(exchange(Call.postJson("/oneflow/setup", "{\"account_id\":" + ACCOUNT + ",\"event\":\"disable\"}"), 409),
                "token_still_valid");
        oneflow.status(TOKEN, 401);
        JsonNode disabled = body(exchange(Call.postJson("/oneflow/setup",
                "{\"account_id\":" + ACCOUNT + ",\"event\":\"disable\",\"data\":{\"token\":null}}"), 200));
        JsonNode viewDisabled = body(exchange(Call.get("/oneflow/accounts/" + ACCOUNT), 200));
        JsonNode unknownDisabled = body(exchange(Call.postJson("/oneflow/setup",
                "{\"account_id\":404,\"event\":\"disable\"}"), 200));

        assertEquals("Contract AB", enabled.get("account_name").asText());
        assertEquals("jane@contract.example", view.get("user_email").asText());
        assertEquals("disabled", disabled.get("status").asText());
        assertTrue(viewDisabled.get("token").isNull());
        assertEquals(404, unknownDisabled.get("account_id").asLong());
    }

    @Test
    void an_account_oneflow_names_no_name_matches_the_description() throws Exception {
        oneflow.answer(TOKEN, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":" + ACCOUNT + "}"));

        JsonNode enabled = body(exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)), 200));
        JsonNode view = body(exchange(Call.get("/oneflow/accounts/" + ACCOUNT), 200));

        assertFalse(enabled.has("account_name"));
        assertTrue(view.get("account_name").isNull());
    }

    @Test
    void oneflow_refusals_and_outages_match_the_description() throws Exception {
        String refused = FakeOneflow.token("refused");
        String other = FakeOneflow.token("other-account");
        String limited = FakeOneflow.token("rate-limited");
        String dated = FakeOneflow.token("retry-dated");
        String broken = FakeOneflow.token("server-error");
        String notFound = FakeOneflow.token("not-found");
        oneflow.status(refused, 403);
        oneflow.status(notFound, 404);
        oneflow.account(other, 999, "Someone Else AB");
        oneflow.answer(limited, aResponse().withStatus(429).withHeader("Retry-After", "120"));
        oneflow.answer(dated, aResponse().withStatus(503).withHeader("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"));
        oneflow.status(broken, 500);

        assertError(exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, refused, null)), 401), "invalid_oneflow_token");
        assertError(exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, other, null)), 403), "account_mismatch");
        HttpResponse<String> rateLimited = exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, limited, null)), 502);
        HttpResponse<String> retryDated = exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, dated, null)), 502);
        HttpResponse<String> serverError = exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, broken, null)), 502);
        assertError(exchange(Call.postJson("/oneflow/setup", enable(ACCOUNT, notFound, null)), 422), "oneflow_refused");

        assertError(rateLimited, "oneflow_unavailable");
        assertEquals("120", rateLimited.headers().firstValue("Retry-After").orElse(null));
        assertEquals("Wed, 21 Oct 2026 07:28:00 GMT", retryDated.headers().firstValue("Retry-After").orElse(null));
        assertFalse(serverError.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, database.count("oneflow_account"));
    }

    /** {@code specRefuses}: the description, too, tells this request is wrong (it cannot for duplicate keys and trailing data). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json              | application/json | `{account_id: 1`                                         | 400 | invalid_json    | true",
        "empty body            | application/json | ``                                                       | 400 | invalid_json    | true",
        "duplicate key         | application/json | `{\"account_id\":1,\"account_id\":2,\"event\":\"disable\"}` | 400 | invalid_json | false",
        "trailing data         | application/json | `{\"account_id\":1,\"event\":\"disable\"} x`             | 400 | invalid_json    | false",
        "form post             | application/x-www-form-urlencoded | `account_id=1&event=disable`            | 415 | unsupported_media_type | true",
        "text/plain            | text/plain       | `{\"account_id\":1,\"event\":\"disable\"}`         | 415 | unsupported_media_type | true",
        "array                 | application/json | `[1,2]`                                                  | 400 | invalid_request | true",
        "account_id as string  | application/json | `{\"account_id\":\"1\",\"event\":\"disable\"}`           | 400 | invalid_request | true",
        "account_id zero       | application/json | `{\"account_id\":0,\"event\":\"disable\"}`               | 400 | invalid_request | true",
        "account_id fraction   | application/json | `{\"account_id\":1.5,\"event\":\"disable\"}`             | 400 | invalid_request | true",
        "unknown event         | application/json | `{\"account_id\":1,\"event\":\"delete\"}`                | 400 | invalid_request | true",
        "data not an object    | application/json | `{\"account_id\":1,\"event\":\"disable\",\"data\":\"x\"}` | 400 | invalid_request | true",
        "enable without data   | application/json | `{\"account_id\":1,\"event\":\"enable\"}`                | 400 | invalid_request | true",
        "short token           | application/json | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abc\"}}` | 400 | invalid_request | true",
        "malformed email       | application/json | `{\"account_id\":1,\"event\":\"enable\",\"data\":{\"token\":\"abcdefghijabcdefghijabcdefghijabcdefghij\",\"email\":\"nobody\"}}` | 400 | invalid_request | true",
    })
    void bad_setup_requests_are_answered_as_described(String name, String contentType, String body, int status,
                                                       String error, boolean specRefuses) throws Exception {
        Call call = Call.post("/oneflow/setup", contentType, body == null ? "" : body);

        HttpResponse<String> response = refusal(call, status, specRefuses);

        assertError(response, error);
        assertEquals(0, oneflow.requestCount());
    }

    @Test
    void bodies_over_the_limit_are_413_as_described() throws Exception {
        String padding = "x".repeat(70_000);

        assertError(refusal(Call.postJson("/oneflow/setup",
                "{\"account_id\":1,\"event\":\"disable\",\"padding\":\"" + padding + "\"}"), 413, false), "payload_too_large");
        assertError(refusal(Call.postJson("/oneflow/token",
                "{\"token\":\"" + TOKEN + "\",\"padding\":\"" + padding + "\"}"), 413, false), "payload_too_large");
        assertError(refusal(Call.postJson("/oneio/messages",
                "{\"a\":\"" + "x".repeat(INGEST_LIMIT) + "\"}"), 413, false), "payload_too_large");
        // over camel.server.maxBodySize: the HTTP server refuses it before a route sees it, the same JSON 413
        assertError(refusal(Call.postJson("/oneio/messages",
                "{\"a\":\"" + "x".repeat(2_097_152) + "\"}"), 413, false), "payload_too_large");
        assertError(refusal(Call.post("/oneflow/token", "application/x-www-form-urlencoded",
                "token=" + TOKEN + ("&pad=" + "p".repeat(4_000)).repeat(17)), 413, false), "payload_too_large");
    }

    // --- POST /oneflow/token and GET /oneflow/connect --------------------------------------------

    @Test
    void show_token_json_and_form_posts_match_the_description() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Pasted AB");
        String form = "token=" + TOKEN + "&email=" + URLEncoder.encode("form@contract.example", StandardCharsets.UTF_8);

        JsonNode json = body(exchange(Call.postJson("/oneflow/token",
                "{\"token\":\"" + TOKEN + "\",\"email\":null}"), 200));
        JsonNode posted = body(exchange(Call.post("/oneflow/token", "application/x-www-form-urlencoded", form), 200));

        assertEquals(ACCOUNT, json.get("account_id").asLong());
        assertEquals("Pasted AB", posted.get("account_name").asText());
    }

    @Test
    void a_superseded_token_submission_matches_the_description() throws Exception {
        String newer = FakeOneflow.token("newer");
        oneflow.slow(TOKEN, ACCOUNT, 800);
        oneflow.account(newer, ACCOUNT, "Pasted AB");

        CompletableFuture<HttpResponse<String>> older = CompletableFuture.supplyAsync(() ->
                exchange(Call.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}"), 409));
        Await.until("the older submission asked Oneflow", Duration.ofSeconds(10),
                () -> oneflow.requestsWith(TOKEN).size() == 1);
        exchange(Call.postJson("/oneflow/token", "{\"token\":\"" + newer + "\"}"), 200);

        assertError(older.join(), "superseded");
    }

    @Test
    void show_token_refusals_match_the_description() throws Exception {
        String refused = FakeOneflow.token("refused");
        String down = FakeOneflow.token("down");
        String notFound = FakeOneflow.token("not-found");
        oneflow.status(refused, 401);
        oneflow.status(notFound, 400);
        oneflow.answer(down, aResponse().withStatus(503).withHeader("Retry-After", "30"));

        assertError(exchange(Call.postJson("/oneflow/token", "{\"token\":\"" + refused + "\"}"), 401), "invalid_oneflow_token");
        HttpResponse<String> unavailable = exchange(Call.postJson("/oneflow/token", "{\"token\":\"" + down + "\"}"), 502);
        assertError(unavailable, "oneflow_unavailable");
        assertEquals("30", unavailable.headers().firstValue("Retry-After").orElse(null));
        assertError(exchange(Call.postJson("/oneflow/token", "{\"token\":\"" + notFound + "\"}"), 422), "oneflow_refused");
        assertError(refusal(Call.postJson("/oneflow/token", "{\"email\":\"a@b.se\"}"), 400, true), "invalid_request");
        assertError(refusal(Call.postJson("/oneflow/token", "token="), 400, true), "invalid_json");
        assertError(refusal(Call.post("/oneflow/token", "application/x-www-form-urlencoded", "token=abc"), 400, true),
                "invalid_request");
        assertError(refusal(Call.post("/oneflow/token", "application/x-www-form-urlencoded",
                "token=" + TOKEN + "&token=" + TOKEN), 400, true), "invalid_request");
        assertError(refusal(Call.post("/oneflow/token", "application/x-www-form-urlencoded",
                "token=" + "a".repeat(9_000)), 400, true), "invalid_request");
        assertError(refusal(Call.post("/oneflow/token", "text/plain", "{\"token\":\"" + TOKEN + "\"}"), 415, true),
                "unsupported_media_type");
        assertError(refusal(Call.post("/oneflow/token", "multipart/form-data; boundary=x",
                "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + TOKEN + "\r\n--x--\r\n"), 415, true),
                "unsupported_media_type");
        assertEquals(0, database.count("oneflow_account"));
    }

    @Test
    void the_connect_page_matches_the_description() {
        HttpResponse<String> page = exchange(Call.get("/oneflow/connect"), 200);

        assertTrue(page.body().contains("action=\"/oneflow/token\""));
    }

    /** {@code specRefuses}: the id is outside what the description allows (the bundle answers 404 all the same). */
    @ParameterizedTest
    @CsvSource({"424242, false", "abc, true", "0, true", "1234567890123456789, false", "9223372036854775807, false",
        "9223372036854775808, true"})
    void unknown_or_malformed_accounts_are_404_as_described(String id, boolean specRefuses) throws Exception {
        assertError(refusal(Call.get("/oneflow/accounts/" + id), 404, specRefuses), "not_found");
    }

    // --- /oneio/messages ---------------------------------------------------------------------------

    @Test
    void ingest_and_idempotent_replay_match_the_description() throws Exception {
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        Call keyed = Call.postJson("/oneio/messages", "{\"order\":42}").header("Idempotency-Key", "order-42");

        JsonNode first = body(exchange(keyed, 202));
        JsonNode array = body(exchange(Call.post("/oneio/messages", "application/json; charset=utf-8", "[{\"a\":1}]"), 202));
        String id = first.get("id").asText();
        awaitStatus(id, "delivered");
        HttpResponse<String> replay = exchange(keyed, 202);

        assertEquals("queued", first.get("status").asText());
        assertEquals("queued", array.get("status").asText());
        assertEquals(id, body(replay).get("id").asText());
        assertEquals("delivered", body(replay).get("status").asText());
        assertEquals("true", replay.headers().firstValue("Idempotent-Replayed").orElse(null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json         | application/json | order-1  | `{\"a\":`     | 400 | invalid_json           | true",
        "empty            | application/json | order-1  | ``            | 400 | invalid_json           | true",
        "trailing data    | application/json | order-1  | `{\"a\":1} {}` | 400 | invalid_json          | false",
        "a bare string    | application/json | order-1  | `\"text\"`    | 400 | invalid_request        | true",
        "a number         | application/json | order-1  | `42`          | 400 | invalid_request        | true",
        "key with a space | application/json | `a b`    | `{\"a\":1}`   | 400 | invalid_request        | true",
        "text/plain       | text/plain       | order-1  | `{\"a\":1}`   | 415 | unsupported_media_type | true",
    })
    void bad_messages_are_answered_as_described(String name, String contentType, String key, String body, int status,
                                                 String error, boolean specRefuses) throws Exception {
        Call call = Call.post("/oneio/messages", contentType, body == null ? "" : body).header("Idempotency-Key", key);

        assertError(refusal(call, status, specRefuses), error);
        assertEquals(0, database.count("oneio_outbox"));
    }

    @Test
    void invalid_utf8_is_answered_as_described() throws Exception {
        Call call = new Call("POST", "/oneio/messages", Map.of("Content-Type", "application/json"),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'});

        assertError(refusal(call, 400, true), "invalid_json");
    }

    @Test
    void a_message_failed_retried_and_delivered_matches_the_description() throws Exception {
        oneio.receiverAnswersInTurn("token-A", 422, 200);
        String id = body(exchange(Call.postJson("/oneio/messages", "{\"n\":1}"), 202)).get("id").asText();

        awaitStatus(id, "failed");
        JsonNode failed = body(exchange(Call.get("/oneio/messages/" + id), 200));
        JsonNode requeued = body(exchange(Call.post("/oneio/messages/" + id + "/retry"), 202));
        awaitStatus(id, "delivered");
        JsonNode delivered = body(exchange(Call.get("/oneio/messages/" + id), 200));
        HttpResponse<String> again = exchange(Call.post("/oneio/messages/" + id + "/retry"), 409);

        assertEquals(422, failed.get("last_status").asInt());
        assertTrue(failed.get("delivered_at").isNull());
        assertEquals(id, requeued.get("id").asText());
        assertEquals(200, delivered.get("last_status").asInt());
        assertFalse(delivered.get("delivered_at").isNull());
        assertError(again, "conflict");
    }

    @Test
    void a_queued_message_and_unknown_ids_match_the_description() throws Exception {
        oneio.receiverAnswers("token-A", aResponse().withStatus(503));
        String id = body(exchange(Call.postJson("/oneio/messages", "{\"n\":2}"), 202)).get("id").asText();

        body(exchange(Call.get("/oneio/messages/" + id), 200));
        assertError(exchange(Call.post("/oneio/messages/" + id + "/retry"), 409), "conflict");
        assertError(exchange(Call.get("/oneio/messages/00000000-0000-0000-0000-000000000000"), 404), "not_found");
        assertError(exchange(Call.post("/oneio/messages/no-such-id/retry"), 404), "not_found");
    }

    // --- API keys, the Setup URL key and the admin endpoints ---------------------------------------

    @Test
    void keys_and_the_admin_endpoints_match_the_description() throws Exception {
        oneflow.account(TOKEN, ACCOUNT, "Keyed AB");
        String missing = "/oneio/messages/3f1c2e9a-5b7d-4c2e-9f0a-1b2c3d4e5f60";
        assertError(refusal(secured, Call.postJson("/oneflow/setup", enable(ACCOUNT, TOKEN, null)), 401, false), "unauthorized");
        assertError(refusal(secured, Call.postJson("/oneio/messages", "{\"n\":1}"), 401, false), "unauthorized");
        assertError(refusal(secured, Call.get(missing).header("X-Api-Key", "wrong-key-0123456789"), 401, false), "unauthorized");
        assertError(refusal(secured, Call.post(missing + "/retry"), 401, false), "unauthorized");
        assertError(refusal(secured, Call.get("/oneflow/accounts/" + ACCOUNT), 401, false), "unauthorized");

        exchange(secured, Call.postJson("/oneflow/setup?key=" + SETUP_KEY, enable(ACCOUNT, TOKEN, null)), 200);
        exchange(secured, Call.get("/oneflow/accounts/" + ACCOUNT).header("X-Api-Key", SENDER_KEY), 200);
        JsonNode token = body(exchange(secured, Call.get("/oneflow/accounts/" + ACCOUNT + "/token").header("X-Api-Key", ADMIN_KEY), 200));
        assertEquals(TOKEN, token.get("token").asText());
        assertError(refusal(secured, Call.get("/oneflow/accounts/" + ACCOUNT + "/token").header("X-Api-Key", SENDER_KEY), 401, false),
                "unauthorized");
        assertError(refusal(secured, Call.get("/oneflow/accounts/" + ACCOUNT + "/token"), 401, true), "unauthorized");
        assertError(exchange(secured, Call.get("/oneflow/accounts/999/token").header("X-Api-Key", ADMIN_KEY), 404), "not_found");
        JsonNode rotated = body(exchange(secured, Call.post("/oneflow/token-keys/rotate").header("X-Api-Key", ADMIN_KEY), 200));
        assertEquals(0, rotated.get("rotated").asInt(), "already under the current key");
        assertError(refusal(secured, Call.post("/oneflow/token-keys/rotate"), 401, true), "unauthorized");
    }

    // --- 405 --------------------------------------------------------------------------------------

    /** The description offers one method per path; every other method gets the 405 it lists there. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /oneflow/setup", "PUT, /oneflow/setup", "DELETE, /oneflow/token", "POST, /oneflow/connect",
        "DELETE, /oneflow/accounts/1", "GET, /oneio/messages", "PATCH, /oneio/messages/abc",
        "GET, /oneio/messages/abc/retry", "POST, /openapi.json", "OPTIONS, /openapi.json",
        "DELETE, /oneflow/accounts/1/token", "GET, /oneflow/token-keys/rotate",
    })
    void other_methods_are_405_as_described(String method, String path) throws Exception {
        Call call = new Call(method, path, Map.of(), new byte[0]);

        HttpResponse<String> response = send(call);

        assertEquals(405, response.statusCode(), response.body());
        List<String> requestErrors = validator.validateRequest(call.toValidatorRequest()).getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .map(ValidationReport.Message::getKey).toList();
        assertEquals(List.of("validation.request.operation.notAllowed"), requestErrors, "the description offers no " + method);
        String documented = spec.get("paths").get(template(path)).fieldNames().next();
        assertValid("answer", validator.validateResponse(path, Request.Method.valueOf(documented.toUpperCase()),
                toValidatorResponse(response)));
        assertError(response, "method_not_allowed");
    }

    // --- the description has teeth -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "undocumented status     | GET  | /oneflow/connect         | 418 | text/html        | `<p>teapot</p>`",
        "missing required field  | GET  | /oneflow/accounts/1      | 200 | application/json | `{\"account_id\":1,\"status\":\"enabled\",\"account_name\":null,\"user_email\":null,\"token\":null}`",
        "unexpected field        | POST | /oneio/messages/x/retry  | 202 | application/json | `{\"id\":\"3f1c2e9a-5b7d-4c2e-9f0a-1b2c3d4e5f60\",\"status\":\"queued\",\"attempts\":0}`",
        "code of another status  | GET  | /oneio/messages/x        | 404 | application/json | `{\"error\":\"conflict\",\"message\":\"No such message\"}`",
        "error without message   | POST | /oneflow/setup           | 400 | application/json | `{\"error\":\"invalid_json\"}`",
        "status outside the enum | GET  | /oneio/messages/x        | 200 | application/json | `{\"id\":\"3f1c2e9a-5b7d-4c2e-9f0a-1b2c3d4e5f60\",\"status\":\"sent\",\"attempts\":1,\"last_status\":200,\"last_error\":null,\"created_at\":\"2026-01-01T00:00:00Z\",\"delivered_at\":null}`",
        "not a date              | GET  | /oneio/messages/x        | 200 | application/json | `{\"id\":\"3f1c2e9a-5b7d-4c2e-9f0a-1b2c3d4e5f60\",\"status\":\"queued\",\"attempts\":0,\"last_status\":null,\"last_error\":null,\"created_at\":\"yesterday\",\"delivered_at\":null}`",
        "whole token shown       | GET  | /oneflow/accounts/1      | 200 | application/json | `{\"account_id\":1,\"status\":\"enabled\",\"account_name\":null,\"user_email\":null,\"token\":\"abcdefghijabcdefghijabcdefghijabcdefghij\",\"updated_at\":\"2026-01-01T00:00:00Z\"}`",
        "plain text error        | POST | /oneio/messages          | 413 | text/plain       | `Request Entity Too Large`",
        "disabled with a name    | POST | /oneflow/setup           | 200 | application/json | `{\"account_id\":1,\"status\":\"disabled\",\"account_name\":\"x\"}`",
    })
    void answers_that_break_the_description_are_caught(String name, String method, String path, int status,
                                                        String contentType, String body) {
        ValidationReport report = validator.validateResponse(path, Request.Method.valueOf(method),
                SimpleResponse.Builder.status(status).withContentType(contentType).withBody(body).build());

        assertTrue(report.hasErrors(), name + " passed the description");
    }

    @Test
    void a_retry_after_that_is_no_delay_is_caught() {
        ValidationReport report = validator.validateResponse("/oneflow/setup", Request.Method.POST,
                SimpleResponse.Builder.status(502).withContentType("application/json").withHeader("Retry-After", "soon")
                        .withBody("{\"error\":\"oneflow_unavailable\",\"message\":\"Oneflow is unavailable\"}").build());

        assertTrue(report.hasErrors(), "Retry-After: soon passed the description");
    }

    // --- every documented answer was seen ------------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE)
    void every_documented_answer_but_500_and_503_was_seen() {
        Set<String> others = Arrays.stream(OpenApiContractTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class))
                .map(Method::getName).filter(n -> !n.equals("every_documented_answer_but_500_and_503_was_seen"))
                .collect(Collectors.toSet());
        Assumptions.assumeTrue(testsRun.containsAll(others), "only when the whole class ran");

        Map<String, Set<String>> missing = new TreeMap<>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            Set<String> documented = new TreeSet<>();
            operation.getValue().get("responses").fieldNames().forEachRemaining(documented::add);
            documented.removeAll(answered.getOrDefault(path.getKey(), Set.of()));
            documented.removeAll(NOT_EXERCISED);
            if (!documented.isEmpty()) {
                missing.put(operation.getKey().toUpperCase() + " " + path.getKey(), documented);
            }
        }));
        assertEquals(Map.of(), missing, "documented answers no test saw");
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** A request as sent, for the bundle and for the validator alike. */
    record Call(String method, String path, Map<String, String> headers, byte[] body) {

        static Call get(String path) {
            return new Call("GET", path, Map.of(), new byte[0]);
        }

        static Call post(String path) {
            return new Call("POST", path, Map.of(), new byte[0]);
        }

        static Call post(String path, String contentType, String body) {
            return new Call("POST", path, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
        }

        static Call postJson(String path, String body) {
            return post(path, "application/json", body);
        }

        Call header(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Call(method, path, all, body);
        }

        HttpRequest.Builder toHttpRequest(RunningBridge bridge) {
            HttpRequest.Builder request = HttpRequest.newBuilder(bridge.uri(path)).method(method,
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            return request;
        }

        String pathOnly() {
            return path.replaceFirst("\\?.*", "");
        }

        Request toValidatorRequest() {
            SimpleRequest.Builder request = new SimpleRequest.Builder(method, pathOnly());
            if (path.contains("?")) {
                for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
                    int equals = pair.indexOf('=');
                    request.withQueryParam(equals < 0 ? pair : pair.substring(0, equals), equals < 0 ? "" : pair.substring(equals + 1));
                }
            }
            headers.forEach(request::withHeader);
            if (body.length > 0) {
                request.withBody(body);
            }
            return request.build();
        }
    }

    /** Sends a request the description allows; request and answer must both match it. */
    private HttpResponse<String> exchange(Call call, int expectedStatus) {
        return exchange(bridge, call, expectedStatus);
    }

    private HttpResponse<String> exchange(RunningBridge target, Call call, int expectedStatus) {
        HttpResponse<String> response = send(target, call);
        assertValid(call.method() + " " + call.path(),
                validator.validate(call.toValidatorRequest(), toValidatorResponse(response)));
        assertEquals(expectedStatus, response.statusCode(), response.body());
        return response;
    }

    /**
     * Sends a request that is wrong on purpose: the answer must match the description, and the description must
     * refuse the request too exactly when {@code specRefuses}.
     */
    private HttpResponse<String> refusal(Call call, int expectedStatus, boolean specRefuses) {
        return refusal(bridge, call, expectedStatus, specRefuses);
    }

    private HttpResponse<String> refusal(RunningBridge target, Call call, int expectedStatus, boolean specRefuses) {
        HttpResponse<String> response = send(target, call);
        assertValid("answer to " + call.method() + " " + call.path(), validator.validateResponse(call.pathOnly(),
                Request.Method.valueOf(call.method()), toValidatorResponse(response)));
        assertEquals(expectedStatus, response.statusCode(), response.body());
        ValidationReport request = validator.validateRequest(call.toValidatorRequest());
        assertEquals(specRefuses, request.hasErrors(), "the description refuses the request: "
                + SimpleValidationReportFormat.getInstance().apply(request));
        return response;
    }

    private HttpResponse<String> send(Call call) {
        return send(bridge, call);
    }

    private HttpResponse<String> send(RunningBridge target, Call call) {
        HttpResponse<String> response = target.send(call.toHttpRequest(target));
        answered.computeIfAbsent(template(call.pathOnly()), path -> ConcurrentHashMap.newKeySet())
                .add(String.valueOf(response.statusCode()));
        return response;
    }

    private static SimpleResponse toValidatorResponse(HttpResponse<String> response) {
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                answer.withHeader(name, values);
            }
        });
        return answer.build();
    }

    private static void assertValid(String what, ValidationReport report) {
        assertFalse(report.hasErrors(), what + " does not match openapi.json:\n"
                + SimpleValidationReportFormat.getInstance().apply(report));
    }

    /** The path template of the description that a concrete path falls under. */
    private static String template(String path) {
        List<String> matches = new ArrayList<>();
        spec.get("paths").fieldNames().forEachRemaining(template -> {
            String regex = Arrays.stream(template.split("\\{[^/]+}", -1)).map(Pattern::quote)
                    .collect(Collectors.joining("[^/]+"));
            if (path.matches(regex)) {
                matches.add(template);
            }
        });
        assertEquals(1, matches.size(), "paths of the description matching " + path + ": " + matches);
        return matches.get(0);
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, String error) throws Exception {
        assertEquals(error, body(response).get("error").asText(), response.body());
    }

    private void awaitStatus(String id, String expected) {
        Await.until("message " + id + " " + expected, Duration.ofSeconds(20), () -> {
            try {
                return expected.equals(body(bridge.get("/oneio/messages/" + id)).get("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String enable(long accountId, String token, String email) {
        String data = email == null ? "{\"token\":\"" + token + "\"}"
                : "{\"token\":\"" + token + "\",\"email\":\"" + email + "\"}";
        return "{\"account_id\":" + accountId + ",\"event\":\"enable\",\"data\":" + data + "}";
    }
}
