package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bridge.support.Await;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RawHttp;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input, at volume: a corpus of bad requests to every entry point of the main port, generated from a fixed seed
 * and sent over real HTTP, several at a time. Every answer must be a 4xx JSON {"error", "message"} that echoes no
 * request header and shows no stack trace; nothing is stored and Oneflow is never asked; the bundle is healthy after.
 *
 * <p>A few requests are malformed HTTP (a request line over 4 KiB, headers over 8 KiB, a CR inside a header value, an
 * invalid %-escape in the path): Vert.x itself refuses those before any handler of the bundle runs, with an empty or
 * plain-text 4xx. They are sent too, checked for no echo and no stack trace, and counted apart.
 */
class BadInputCorpusTest {

    private static final long SEED = 20261122L;
    private static final int CONCURRENCY = 8;
    private static final int SETUP_LIMIT = 65_536;
    private static final int INGEST_LIMIT = 1_048_576;
    private static final int SERVER_LIMIT = 2_097_152;
    private static final long SEEDED_ACCOUNT = 123;
    private static final String SEEDED_TOKEN = FakeOneflow.token("corpus-seeded");
    /** A token Oneflow would accept: every request that carries it must be refused before Oneflow is asked. */
    private static final String VALID_TOKEN = FakeOneflow.token("corpus-valid");
    private static final String PROBE_HEADER = "X-Corpus-Probe";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{40}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>]{1,64}@[^@\\s\"<>]+\\.[^@\\s\"<>]+");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Pattern STACK_TRACE = Pattern.compile(
            "(?s).*(Exception|Caused by|\\tat |\\bat (java|javax|jdk|org|com|io|sun)\\.|\\.java:\\d).*");
    /** What an answer may carry: anything else (a request header coming back, say) is an echo. */
    private static final Set<String> ANSWER_HEADERS =
            Set.of("content-type", "content-length", "transfer-encoding", "connection", "allow");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SETUP = "POST /oneflow/setup";
    private static final String TOKEN_POST = "POST /oneflow/token";
    private static final String CONNECT = "GET /oneflow/connect";
    private static final String ACCOUNT = "GET /oneflow/accounts/{id}";
    private static final String INGEST = "POST /oneio/messages";
    private static final String MESSAGE = "GET /oneio/messages/{id}";
    private static final String RETRY = "POST /oneio/messages/{id}/retry";
    private static final String OPENAPI = "GET /openapi.json";
    private static final String ACCOUNT_TOKEN = "GET /oneflow/accounts/{id}/token";
    private static final String ROTATE = "POST /oneflow/token-keys/rotate";
    private static final String ADMIN_KEY = "corpus-admin-key-0123456789";
    private static final List<String> ENDPOINTS =
            List.of(SETUP, TOKEN_POST, CONNECT, ACCOUNT, INGEST, MESSAGE, RETRY, OPENAPI, ACCOUNT_TOKEN, ROTATE);

    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static FakeOneio oneio;
    private static RunningBridge bridge;
    private static String deliveredMessage;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
        oneio = new FakeOneio();
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        properties.putAll(oneio.bridgeProperties());
        properties.put("oneio.delivery.poll-ms", "50");
        properties.put("security.admin-api-keys", "corpus:" + ADMIN_KEY);
        bridge = RunningBridge.start(properties);
        database.clear("oneflow_account", "oneio_outbox");

        // Something to find, so that bad requests meet real rows: one linked account, one delivered message.
        oneflow.account(SEEDED_TOKEN, SEEDED_ACCOUNT, "Seeded AB");
        oneio.issuesTokens(3599, 0, "token-A");
        oneio.receiverAnswers("token-A", aResponse().withStatus(200));
        assertEquals(200, bridge.postJson("/oneflow/setup", enable(SEEDED_ACCOUNT, SEEDED_TOKEN)).statusCode());
        HttpResponse<String> posted = bridge.postJson("/oneio/messages", "{\"seeded\":true}");
        assertEquals(202, posted.statusCode(), posted.body());
        deliveredMessage = JSON.readTree(posted.body()).get("id").asText();
        Await.until("the seeded message delivered", Duration.ofSeconds(20),
                () -> bridge.get("/oneio/messages/" + deliveredMessage).body().contains("\"delivered\""));
        oneflow.reset();
    }

    @AfterAll
    static void stop() {
        bridge.close();
        oneflow.close();
        oneio.close();
    }

    @Test
    void every_bad_request_is_a_json_4xx_that_changes_nothing() throws Exception {
        List<Case> corpus = new Corpus(new Random(SEED), deliveredMessage).build();
        List<Case> routed = corpus.stream().filter(c -> c.transport() != Transport.PROTOCOL).toList();
        assertTrue(routed.size() >= 1000, "corpus of " + routed.size());
        for (String endpoint : ENDPOINTS) {
            assertTrue(routed.stream().anyMatch(c -> c.endpoint().equals(endpoint)), "no case for " + endpoint);
        }
        long accounts = database.count("oneflow_account");
        long messages = database.count("oneio_outbox");

        long started = System.nanoTime();
        List<Answer> answers = sendAll(corpus);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            String failure = check(corpus.get(i), answers.get(i));
            if (failure != null) {
                failures.add("#" + i + " " + corpus.get(i).describe() + ": " + failure);
            }
        }
        System.out.println(report(corpus, answers, took));
        failures.forEach(failure -> System.out.println("WRONG " + failure));
        assertEquals(List.of(), failures.subList(0, Math.min(25, failures.size())),
                failures.size() + " of " + corpus.size() + " answers are wrong; the first ones");

        assertEquals(accounts, database.count("oneflow_account"), "oneflow_account rows");
        assertEquals(messages, database.count("oneio_outbox"), "oneio_outbox rows");
        assertEquals(0, oneflow.requestCount(), "Oneflow was asked about a request refused before any call");

        // Healthy afterwards, and valid requests still work.
        HttpResponse<String> ready = bridge.send(HttpRequest.newBuilder(bridge.managementUri("/observe/health/ready")));
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals(200, bridge.get("/oneflow/accounts/" + SEEDED_ACCOUNT).statusCode());
        assertEquals(202, bridge.postJson("/oneio/messages", "{\"after\":\"the corpus\"}").statusCode());
        oneflow.account(VALID_TOKEN, 456, "After AB");
        HttpResponse<String> enabled = bridge.postJson("/oneflow/setup", enable(456, VALID_TOKEN));
        assertEquals(200, enabled.statusCode(), enabled.body());
    }

    // --- sending ---------------------------------------------------------------------------------------------------

    enum Transport {
        /** java.net.http with a Content-Length. */
        CLIENT,
        /** java.net.http streaming the body: chunked, no Content-Length. */
        CHUNKED,
        /** bytes on a socket: what java.net.http refuses to send (CR/LF or bytes over 0x7F in headers, raw paths). */
        RAW,
        /** malformed HTTP that Vert.x refuses before the bundle sees it. */
        PROTOCOL
    }

    record Case(String endpoint, String kind, Transport transport, String method, String target,
                Map<String, String> headers, byte[] body, Set<Integer> expected, String allow) {

        String describe() {
            String shownTarget = target.length() > 100 ? target.substring(0, 100) + "…" : target;
            Map<String, String> shownHeaders = new LinkedHashMap<>(headers);
            shownHeaders.remove(PROBE_HEADER);
            return endpoint + " [" + kind + ", " + transport + "] " + method + " " + escape(shownTarget) + " "
                    + escape(shownHeaders.toString()) + " (" + body.length + " bytes)";
        }

        private static String escape(String text) {
            return text.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    record Answer(int status, Map<String, List<String>> headers, String body, String transportError) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static List<Answer> sendAll(List<Case> corpus) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Answer>> pending = new ArrayList<>();
            for (Case c : corpus) {
                pending.add(senders.submit(() -> send(c)));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : pending) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            senders.shutdownNow();
        }
    }

    private static Answer send(Case c) {
        try {
            if (c.transport() == Transport.RAW || c.transport() == Transport.PROTOCOL) {
                StringBuilder head = new StringBuilder(c.method() + " " + c.target() + " HTTP/1.1\r\nHost: localhost\r\n");
                c.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
                RawHttp.Response response = RawHttp.send(bridge.uri("/").getPort(), c.method(),
                        head.toString().getBytes(StandardCharsets.ISO_8859_1), c.body());
                return new Answer(response.status(), response.headers(),
                        new String(response.body(), StandardCharsets.UTF_8), null);
            }
            HttpRequest.BodyPublisher body = c.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : c.transport() == Transport.CHUNKED
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()))
                    : HttpRequest.BodyPublishers.ofByteArray(c.body());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + bridge.uri("/").getPort()
                    + c.target())).method(c.method(), body).timeout(Duration.ofSeconds(30));
            c.headers().forEach(request::header);
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new Answer(response.statusCode(), headers, response.body(), null);
        } catch (Exception e) {
            return new Answer(0, Map.of(), "", e.toString());
        }
    }

    // --- checking --------------------------------------------------------------------------------------------------

    /** Null when the answer is right, else what is wrong with it. */
    private static String check(Case c, Answer answer) {
        if (answer.transportError() != null) {
            return "no answer: " + answer.transportError();
        }
        if (answer.status() < 400 || answer.status() > 499) {
            return "status " + answer.status() + ": " + abbreviate(answer.body());
        }
        String probe = c.headers().get(PROBE_HEADER);
        String everything = (answer.headers() + " " + answer.body()).toLowerCase(Locale.ROOT);
        if (everything.contains(PROBE_HEADER.toLowerCase(Locale.ROOT)) || everything.contains("x-injected")
                || probe != null && everything.contains(probe.toLowerCase(Locale.ROOT))) {
            return "a request header comes back: " + answer.headers() + " " + abbreviate(answer.body());
        }
        if (STACK_TRACE.matcher(answer.body()).matches()) {
            return "stack trace in the answer: " + abbreviate(answer.body());
        }
        if (c.transport() == Transport.PROTOCOL) {
            return null;
        }
        if (!c.expected().contains(answer.status())) {
            return "status " + answer.status() + ", expected " + c.expected() + ": " + abbreviate(answer.body());
        }
        Set<String> extra = answer.headers().keySet().stream().filter(name -> !name.startsWith(":"))
                .filter(name -> !ANSWER_HEADERS.contains(name)).collect(Collectors.toCollection(TreeSet::new));
        if (!extra.isEmpty()) {
            return "unexpected answer headers " + extra + ": " + answer.headers();
        }
        if (!List.of("application/json").equals(answer.headers().get("content-type"))) {
            return "Content-Type " + answer.headers().get("content-type");
        }
        if (answer.status() == 405 && !List.of(c.allow()).equals(answer.headers().get("allow"))) {
            return "405 with Allow " + answer.headers().get("allow") + ", expected " + c.allow();
        }
        if ("HEAD".equals(c.method())) {
            return answer.body().isEmpty() ? null : "a body in the answer to HEAD";
        }
        try {
            JsonNode body = JSON.readTree(answer.body());
            boolean shaped = body != null && body.isObject() && body.size() == 2
                    && body.path("error").isTextual() && body.get("error").asText().matches("[a-z_]+")
                    && body.path("message").isTextual() && !body.get("message").asText().isBlank();
            return shaped ? null : "not {\"error\", \"message\"}: " + abbreviate(answer.body());
        } catch (JsonProcessingException e) {
            return "not JSON: " + abbreviate(answer.body());
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String report(List<Case> corpus, List<Answer> answers, Duration took) {
        Map<String, Map<Integer, Integer>> byEndpoint = new LinkedHashMap<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        Map<Integer, Integer> protocol = new TreeMap<>();
        Map<Transport, Integer> byTransport = new TreeMap<>();
        ENDPOINTS.forEach(endpoint -> byEndpoint.put(endpoint, new TreeMap<>()));
        for (int i = 0; i < corpus.size(); i++) {
            Case c = corpus.get(i);
            int status = answers.get(i).status();
            byTransport.merge(c.transport(), 1, Integer::sum);
            if (c.transport() == Transport.PROTOCOL) {
                protocol.merge(status, 1, Integer::sum);
            } else {
                byEndpoint.get(c.endpoint()).merge(status, 1, Integer::sum);
                byStatus.merge(status, 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        int routed = byStatus.values().stream().mapToInt(Integer::intValue).sum();
        out.append(String.format("Bad input corpus (seed %d): %d requests, %d concurrent, %.1f s; %d to the entry points,"
                        + " %d malformed HTTP refused by Vert.x itself%n", SEED, corpus.size(), CONCURRENCY,
                took.toMillis() / 1000.0, routed, corpus.size() - routed));
        out.append(String.format("  by transport: %s%n", byTransport));
        out.append(String.format("  %-34s %6s", "endpoint", "total"));
        byStatus.keySet().forEach(status -> out.append(String.format(" %5d", status)));
        out.append(System.lineSeparator());
        byEndpoint.forEach((endpoint, statuses) -> {
            out.append(String.format("  %-34s %6d", endpoint, statuses.values().stream().mapToInt(Integer::intValue).sum()));
            byStatus.keySet().forEach(status -> out.append(String.format(" %5d", statuses.getOrDefault(status, 0))));
            out.append(System.lineSeparator());
        });
        out.append(String.format("  %-34s %6d", "all entry points", routed));
        byStatus.values().forEach(count -> out.append(String.format(" %5d", count)));
        out.append(System.lineSeparator());
        out.append(String.format("  malformed HTTP (Vert.x): %s%n", protocol));
        return out.toString();
    }

    private static String enable(long accountId, String token) {
        return "{\"account_id\":" + accountId + ",\"event\":\"enable\",\"data\":{\"token\":\"" + token + "\"}}";
    }

    // --- the corpus ------------------------------------------------------------------------------------------------

    /** Builds the bad requests; every choice comes from one seeded Random, so the corpus is the same on every run. */
    static final class Corpus {

        private static final List<String> SQL = List.of(
                "' OR '1'='1", "'; DROP TABLE oneflow_account; --", "1; DELETE FROM oneio_outbox", "\" OR \"\"=\"",
                "1' UNION SELECT api_token FROM oneflow_account --", "%' OR 1=1 --", "admin'--",
                "'); TRUNCATE TABLE oneio_outbox; --", "1 OR 1=1", "'; SELECT pg_sleep(5); --", "') OR ('a'='a",
                "1/**/OR/**/1=1", "'||(SELECT api_token FROM oneflow_account)||'", "\\'; --", "`; DROP TABLE x; `");
        private static final List<String> CRLF = List.of(
                "abc\r\nX-Injected: yes", "\r\nX-Injected: yes\r\n\r\n<html>", "abc\nSet-Cookie: corpus=1",
                "abc\rX-Injected: yes", "%0d%0aX-Injected:%20yes", "a\u0000b", "\u2028X-Injected: yes\u2029",
                "HTTP/1.1 200 OK\r\nX-Injected: yes");
        private static final List<String> ODD = List.of(
                " ", "null", "undefined", "NaN", "\u202Eevil", "😀😀😀", "\uFEFFbom", "١٢٣", "ｆｕｌｌ",
                "<script>alert(1)</script>", "../../etc/passwd", "${env:DB_PASSWORD}", "{{db.password}}",
                "${header.CamelSqlQuery}", ":#${variable.token}", "#{7*7}", "%s%s%n", "\\u0000", "true", "-",
                "\t", "Ω≈ç√∫", "\u0007\u001b[31m");
        private static final List<String> BAD_TYPE_JSON = List.of(
                "null", "true", "false", "0", "-1", "1.5", "1e3", "-0", "9223372036854775808", "1E400", "[]", "[1]",
                "{}", "{\"$ne\":null}", "[\"enable\"]", "\"\"", "\"123\"", "123.0");
        private static final List<String> SYNTAX = List.of(
                "{'account_id':1,'event':'disable'}", "{account_id:1,event:\"disable\"}",
                "{\"account_id\":1,\"event\":\"disable\",}", "{\"account_id\":1 \"event\":\"disable\"}",
                "{\"account_id\":1,\"event\":\"disable\"}/* c */", "// c\n{\"account_id\":1,\"event\":\"disable\"}",
                "{\"account_id\":NaN,\"event\":\"disable\"}", "{\"account_id\":0x10,\"event\":\"disable\"}",
                "{\"account_id\":1,\"account_id\":2,\"event\":\"disable\"}", "{\"account_id\":1,\"event\":\"disable\"} x",
                "{\"account_id\":1,\"event\":\"disable\"}{}", "{\"account_id\":1,\"event\":\"dis\\able\"}",
                "{\"account_id\":1,\"event\":\"disable\"", "\"account_id\":1,\"event\":\"disable\"}",
                "{\"account_id\":01,\"event\":\"disable\"}", "{\"account_id\":1,\"event\":\"\u0001disable\"}",
                "\uFEFF{\"account_id\":1,\"event\":\"dis able\"}", "{\"account_id\":+1,\"event\":\"disable\"}",
                "{\"a\":\"\\ud800\",\"account_id\":1,\"event\":\"enable\"}", "{,}", "{\"\":}", "]", "}{", "tru", "nul");
        private static final List<byte[]> BAD_UTF8 = List.of(
                new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xFE, (byte) 0xFF},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC1, (byte) 0xBF});
        private static final List<String> NOT_JSON_TYPES = List.of(
                "text/plain", "text/plain; charset=utf-8", "application/xml", "text/json", "application/jsonp",
                "application/json-seq", "json", "application/octet-stream", "text/html", "application/x-www-form-urlencoded",
                "*/*", "application/*", "application/json2", "image/png", "application", "; charset=utf-8");
        private static final List<String> METHODS = List.of(
                "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "FOO", "PROPFIND", "purge");

        private final Random random;
        private final String deliveredMessage;
        private final List<Case> cases = new ArrayList<>();
        private int probes;

        Corpus(Random random, String deliveredMessage) {
            this.random = random;
            this.deliveredMessage = deliveredMessage;
        }

        List<Case> build() {
            setup();
            token();
            connect();
            account();
            ingest();
            message();
            retry();
            openapi();
            accountToken();
            rotate();
            malformedHttp();
            Collections.shuffle(cases, random);
            return cases;
        }

        // --- POST /oneflow/setup ---

        private void setup() {
            String allow = "POST";
            for (int i = 0; i < 170; i++) {
                String field = pick(List.of("account_id", "event", "data", "data.token", "data.email", "missing"));
                String body = switch (field) {
                    case "account_id" -> setupBody(badAccountId(), "\"" + pick(List.of("enable", "disable")) + "\"",
                            "{\"token\":\"" + VALID_TOKEN + "\"}");
                    case "event" -> setupBody(String.valueOf(1 + random.nextInt(9999)), badEvent(),
                            "{\"token\":\"" + VALID_TOKEN + "\"}");
                    case "data" -> setupBody("77", "\"enable\"", pick(List.of("null", "\"" + VALID_TOKEN + "\"",
                            "[\"" + VALID_TOKEN + "\"]", "42", "true", "{}", "{\"email\":\"ops@corpus.example\"}",
                            quote(pick(SQL)), "{\"Token\":\"" + VALID_TOKEN + "\"}")));
                    case "data.token" -> setupBody("77", "\"enable\"", "{\"token\":" + badToken()
                            + ",\"email\":\"ops@corpus.example\"}");
                    case "data.email" -> setupBody("77", "\"enable\"", "{\"token\":\"" + VALID_TOKEN + "\",\"email\":"
                            + badEmail() + "}");
                    default -> pick(List.of("{\"event\":\"disable\"}", "{\"account_id\":77}",
                            "{\"account_id\":77,\"event\":\"enable\"}", "{\"account_id\":77,\"event\":\"enable\",\"data\":{}}",
                            "{\"data\":{\"token\":\"" + VALID_TOKEN + "\"},\"event\":\"enable\"}", "{}"));
                };
                client(SETUP, "field " + field, "POST", "/oneflow/setup" + query(), jsonType(), bytes(body), allow, 400);
            }
            for (int i = 0; i < 40; i++) {
                byte[] whole = bytes(random.nextBoolean() ? enable(77, VALID_TOKEN)
                        : "{\"account_id\":77,\"event\":\"disable\",\"data\":{\"token\":null}}");
                client(SETUP, "truncated", "POST", "/oneflow/setup", jsonType(), truncated(whole), allow, 400);
            }
            for (String body : SYNTAX) {
                client(SETUP, "syntax", "POST", "/oneflow/setup", jsonType(), bytes(body), allow, 400);
            }
            for (String root : List.of("null", "[]", "[" + enable(77, VALID_TOKEN) + "]", "\"disable\"", "123", "true",
                    quote(pick(SQL)), quote(pick(CRLF)), "\"" + "x".repeat(60_000) + "\"")) {
                client(SETUP, "not an object", "POST", "/oneflow/setup", jsonType(), bytes(root), allow, 400);
            }
            String disable = "{\"account_id\":77,\"event\":\"disable\"}";
            for (String type : NOT_JSON_TYPES) {
                client(SETUP, "content type", "POST", "/oneflow/setup", typed(type), bytes(disable), allow, 415);
            }
            // No Content-Type is read as JSON (Oneflow's call may carry none): a bad body is then a 400.
            client(SETUP, "no content type", "POST", "/oneflow/setup", Map.of(), bytes("{\"account_id\":\"77\"}"), allow, 400);
            client(SETUP, "multipart", "POST", "/oneflow/setup",
                    typed("multipart/form-data; boundary=corpus"), multipart("account_id", "77"), allow, 415);
            for (byte[] bad : BAD_UTF8) {
                client(SETUP, "invalid UTF-8", "POST", "/oneflow/setup", jsonType(),
                        concat(bytes("{\"account_id\":77,\"event\":\"dis"), bad, bytes("able\"}")), allow, 400);
                client(SETUP, "invalid UTF-8", "POST", "/oneflow/setup", jsonType(), concat(bytes(
                        "{\"account_id\":77,\"event\":\"enable\",\"data\":{\"token\":\"" + VALID_TOKEN.substring(1)), bad,
                        bytes("\"}}")), allow, 400);
            }
            client(SETUP, "deep nesting", "POST", "/oneflow/setup", jsonType(),
                    bytes("{\"account_id\":77,\"event\":\"disable\",\"data\":" + nested(10_000, true) + "}"), allow, 400);
            client(SETUP, "deep nesting", "POST", "/oneflow/setup", jsonType(), bytes(nested(10_000, false)), allow, 400);
            client(SETUP, "deep nesting", "POST", "/oneflow/setup", jsonType(), bytes("[".repeat(10_000)), allow, 400);
            client(SETUP, "deep nesting", "POST", "/oneflow/setup", jsonType(), bytes(nested(100_000, true)), allow, 413);
            for (int length : List.of(1_000, 30_000, 60_000)) {
                client(SETUP, "huge string", "POST", "/oneflow/setup", jsonType(), bytes(setupBody("77", "\"enable\"",
                        "{\"token\":\"" + "A".repeat(length) + "\"}")), allow, 400);
                client(SETUP, "huge string", "POST", "/oneflow/setup", jsonType(), bytes(setupBody("77",
                        quote("enable" + "e".repeat(length)), "null")), allow, 400);
                client(SETUP, "huge string", "POST", "/oneflow/setup", jsonType(), bytes(setupBody("77", "\"enable\"",
                        "{\"token\":\"" + VALID_TOKEN + "\",\"email\":\"" + "a".repeat(length) + "@corpus.example\"}")),
                        allow, 400);
            }
            client(SETUP, "huge number", "POST", "/oneflow/setup", jsonType(),
                    bytes(setupBody("1" + "0".repeat(999), "\"disable\"", "null")), allow, 400);
            client(SETUP, "huge number", "POST", "/oneflow/setup", jsonType(),
                    bytes(setupBody("1" + "0".repeat(5000), "\"disable\"", "null")), allow, 400);
            oversized(SETUP, "POST", "/oneflow/setup", jsonType(), disable, SETUP_LIMIT, allow);
            client(SETUP, "empty body", "POST", "/oneflow/setup", jsonType(), new byte[0], allow, 400);
            client(SETUP, "empty body", "POST", "/oneflow/setup", Map.of(), new byte[0], allow, 400);
            client(SETUP, "blank body", "POST", "/oneflow/setup", jsonType(), bytes(" \r\n\t "), allow, 400);
            wrongMethods(SETUP, "/oneflow/setup", allow, bytes(disable));
            injectedHeaders(SETUP, "POST", "/oneflow/setup", bytes("{\"account_id\":77,\"event\":\"delete\"}"), allow, 400);
        }

        private String setupBody(String accountId, String event, String data) {
            return "{\"account_id\":" + accountId + ",\"event\":" + event + ",\"data\":" + data
                    + (random.nextInt(4) == 0 ? ",\"note\":" + quote(pick(SQL)) : "") + "}";
        }

        private String badAccountId() {
            return switch (random.nextInt(4)) {
                case 0 -> pick(BAD_TYPE_JSON);
                case 1 -> quote(pick(SQL));
                case 2 -> quote(String.valueOf(1 + random.nextInt(1000)));
                default -> String.valueOf(-random.nextInt(1_000_000));
            };
        }

        private String badEvent() {
            String event = switch (random.nextInt(4)) {
                case 0 -> pick(BAD_TYPE_JSON);
                case 1 -> quote(pick(SQL));
                case 2 -> quote(pick(CRLF));
                default -> quote(pick(List.of("ENABLE", "enable ", " disable", "delete", "enabled", "Disable", "")));
            };
            return event.equals("\"enable\"") || event.equals("\"disable\"") ? "\"delete\"" : event;
        }

        private String badToken() {
            String token = switch (random.nextInt(5)) {
                case 0 -> pick(BAD_TYPE_JSON);
                case 1 -> quote(pick(SQL));
                case 2 -> quote(pick(CRLF) + VALID_TOKEN.substring(20));
                case 3 -> quote(pick(ODD));
                default -> quote(VALID_TOKEN.substring(0, random.nextInt(40)) + pick(List.of("!", "'", "\"", " x", "é")));
            };
            return isValidToken(token) ? "\"short\"" : token;
        }

        private String badEmail() {
            String email = switch (random.nextInt(4)) {
                case 0 -> pick(List.of("42", "true", "[]", "{}", "[\"ops@corpus.example\"]"));
                case 1 -> quote(pick(SQL));
                case 2 -> quote(pick(CRLF) + "@corpus.example");
                default -> quote(pick(List.of("no-at-sign", "two@@corpus.example", "a b@corpus.example",
                        "<ops@corpus.example>", "\"q\"@corpus.example", "ops@corpus", "@corpus.example",
                        "x".repeat(65) + "@corpus.example", "ops@" + "d".repeat(250) + ".example")));
            };
            return isValidEmail(email) ? "\"no-at-sign\"" : email;
        }

        // --- POST /oneflow/token ---

        private void token() {
            String allow = "POST";
            for (int i = 0; i < 90; i++) {
                String body = random.nextInt(3) > 0 ? "{\"token\":" + badToken() + optionalEmail() + "}"
                        : "{\"token\":\"" + VALID_TOKEN + "\",\"email\":" + badEmail() + "}";
                client(TOKEN_POST, "json field", "POST", "/oneflow/token" + query(), jsonType(), bytes(body), allow, 400);
            }
            for (String body : List.of("{}", "{\"email\":\"ops@corpus.example\"}", "{\"token\":null}",
                    "{\"Token\":\"" + VALID_TOKEN + "\"}", "{\"data\":{\"token\":\"" + VALID_TOKEN + "\"}}",
                    "{\"token\":\"" + VALID_TOKEN + "\",\"token\":\"" + VALID_TOKEN + "\"}", "null", "[]",
                    "[{\"token\":\"" + VALID_TOKEN + "\"}]", quote(VALID_TOKEN), "42", "\"\"")) {
                client(TOKEN_POST, "json shape", "POST", "/oneflow/token", jsonType(), bytes(body), allow, 400);
            }
            for (int i = 0; i < 30; i++) {
                client(TOKEN_POST, "truncated", "POST", "/oneflow/token", jsonType(), truncated(bytes(
                        "{\"token\":\"" + VALID_TOKEN + "\",\"email\":\"ops@corpus.example\"}")), allow, 400);
            }
            for (int i = 0; i < 12; i++) {
                // The token is short: a request some parser might read after all must still be refused.
                String syntax = pick(SYNTAX).replace("\"account_id\":1,", "\"token\":\"short\",");
                client(TOKEN_POST, "syntax", "POST", "/oneflow/token", jsonType(), bytes(syntax), allow, 400);
            }
            String json = "{\"token\":\"" + VALID_TOKEN + "\"}";
            for (String type : NOT_JSON_TYPES) {
                if (!type.startsWith("application/x-www-form-urlencoded")) {
                    client(TOKEN_POST, "content type", "POST", "/oneflow/token", typed(type), bytes(json), allow, 415);
                }
            }
            client(TOKEN_POST, "no content type", "POST", "/oneflow/token", Map.of(), bytes(json), allow, 415);
            client(TOKEN_POST, "multipart", "POST", "/oneflow/token", typed("multipart/form-data; boundary=corpus"),
                    multipart("token", VALID_TOKEN), allow, 415);
            client(TOKEN_POST, "multipart", "POST", "/oneflow/token", typed("multipart/form-data; boundary=corpus"),
                    bytes(json), allow, 400, 415);
            for (byte[] bad : BAD_UTF8) {
                client(TOKEN_POST, "invalid UTF-8", "POST", "/oneflow/token", jsonType(),
                        concat(bytes("{\"token\":\"" + VALID_TOKEN.substring(2)), bad, bytes("\"}")), allow, 400);
            }
            client(TOKEN_POST, "deep nesting", "POST", "/oneflow/token", jsonType(),
                    bytes("{\"token\":\"" + VALID_TOKEN + "\",\"x\":" + nested(10_000, true) + "}"), allow, 400);
            client(TOKEN_POST, "deep nesting", "POST", "/oneflow/token", jsonType(), bytes(nested(10_000, false)), allow, 400);
            client(TOKEN_POST, "huge string", "POST", "/oneflow/token", jsonType(),
                    bytes("{\"token\":\"" + "A".repeat(60_000) + "\"}"), allow, 400);
            oversized(TOKEN_POST, "POST", "/oneflow/token", jsonType(), json, SETUP_LIMIT, allow);
            client(TOKEN_POST, "empty body", "POST", "/oneflow/token", jsonType(), new byte[0], allow, 400);
            form();
            wrongMethods(TOKEN_POST, "/oneflow/token", allow, bytes(json));
            injectedHeaders(TOKEN_POST, "POST", "/oneflow/token", bytes("{\"token\":\"short\"}"), allow, 400);
        }

        /** The connect page's form post (application/x-www-form-urlencoded), always with something wrong in it. */
        private void form() {
            String allow = "POST";
            Map<String, String> form = typed("application/x-www-form-urlencoded");
            for (int i = 0; i < 45; i++) {
                String token = random.nextInt(3) > 0 ? stripQuotes(badToken()) : VALID_TOKEN;
                String email = token.equals(VALID_TOKEN) ? stripQuotes(badEmail()) : "ops@corpus.example";
                String body = "token=" + formEncode(token) + "&email=" + formEncode(email);
                client(TOKEN_POST, "form field", "POST", "/oneflow/token" + query(), form, bytes(body), allow, 400);
            }
            for (String body : List.of("", "token=", "email=ops%40corpus.example", "token=" + VALID_TOKEN + "&token="
                    + VALID_TOKEN, "token", "=" + VALID_TOKEN, "Token=" + VALID_TOKEN, "token[]=" + VALID_TOKEN,
                    "token=" + VALID_TOKEN.substring(1) + "%ZZ", "token=" + VALID_TOKEN.substring(1) + "%FF",
                    "token=" + VALID_TOKEN.substring(1) + "%", "token=%00" + VALID_TOKEN.substring(1),
                    "token=" + VALID_TOKEN + "&email=a%0d%0aX-Injected:%20yes@corpus.example",
                    "token=" + VALID_TOKEN + "&email=" + "e".repeat(300) + "%40corpus.example",
                    "token=" + VALID_TOKEN + "&email=%27%20OR%201%3D1%20--", "&&&&", "token=" + "%41".repeat(40) + "!",
                    "{\"token\":\"" + VALID_TOKEN + "\"}")) {
                client(TOKEN_POST, "form shape", "POST", "/oneflow/token", form, bytes(body), allow, 400);
            }
            client(TOKEN_POST, "form invalid UTF-8", "POST", "/oneflow/token", form,
                    concat(bytes("token=" + VALID_TOKEN.substring(1)), new byte[] {(byte) 0xFF}), allow, 400);
            // A field over Vert.x's 8 KiB form attribute limit: the server refuses it, now as JSON.
            client(TOKEN_POST, "form field over 8 KiB", "POST", "/oneflow/token", form,
                    bytes("token=" + "A".repeat(9_000)), allow, 400);
            client(TOKEN_POST, "form field over 8 KiB", "POST", "/oneflow/token", form,
                    bytes("token=" + VALID_TOKEN + "&email=" + "e".repeat(20_000)), allow, 400);
            // Over oneflow.setup.max-body-bytes in fields under 8 KiB, with a valid token: 413, Oneflow not asked.
            StringBuilder big = new StringBuilder("token=" + VALID_TOKEN);
            for (int field = 0; big.length() <= SETUP_LIMIT; field++) {
                big.append("&pad").append(field).append('=').append("p".repeat(4_000));
            }
            client(TOKEN_POST, "form over the limit", "POST", "/oneflow/token", form, bytes(big.toString()), allow, 413);
            add(TOKEN_POST, "form over the limit", Transport.CHUNKED, "POST", "/oneflow/token", form,
                    bytes(big.toString()), allow, 413);
            client(TOKEN_POST, "form over the server cap", "POST", "/oneflow/token", form,
                    bytes("token=" + VALID_TOKEN + ("&pad=" + "p".repeat(4_000)).repeat(SERVER_LIMIT / 4_000 + 2)), allow, 413);
        }

        private String optionalEmail() {
            return random.nextBoolean() ? "" : ",\"email\":\"ops@corpus.example\"";
        }

        // --- GET /oneflow/connect and GET /openapi.json ---

        private void connect() {
            wrongMethods(CONNECT, "/oneflow/connect", "GET", bytes("token=" + VALID_TOKEN));
            wrongMethods(CONNECT, "/oneflow/connect", "GET", new byte[0]);
            serverCap(CONNECT, "GET", "/oneflow/connect", "GET");
            for (String path : List.of("/oneflow/connect/x", "/oneflow/connect%00", "/oneflow/connectx",
                    "/oneflow/connect/%0d%0aX-Injected:%20yes", "/oneflow/" + encode(pick(SQL)))) {
                client(CONNECT, "no such path", "GET", path, Map.of(), new byte[0], "GET", 404);
            }
            injectedHeaders(CONNECT, "POST", "/oneflow/connect", bytes("token=x"), "GET", 405);
        }

        private void openapi() {
            wrongMethods(OPENAPI, "/openapi.json", "GET", bytes("{\"openapi\":\"3.0.3\"}"));
            wrongMethods(OPENAPI, "/openapi.json", "GET", new byte[0]);
            serverCap(OPENAPI, "GET", "/openapi.json", "GET");
            for (String path : List.of("/openapi.json/x", "/openapi.json%00", "/openapi.jsonx", "/openapi.json%2F..",
                    "/openapi.yaml", "/openapi.json/" + encode(pick(SQL)))) {
                client(OPENAPI, "no such path", "GET", path, Map.of(), new byte[0], "GET", 404);
            }
            injectedHeaders(OPENAPI, "DELETE", "/openapi.json", new byte[0], "GET", 405);
        }

        // --- GET /oneflow/accounts/{id} ---

        private void account() {
            for (String id : badIds(true)) {
                client(ACCOUNT, "bad id", "GET", "/oneflow/accounts/" + encode(id) + query(), Map.of(), new byte[0], "GET", 404);
            }
            for (int i = 0; i < 15; i++) {
                long unknown = 1_000_000L + (random.nextLong() & Long.MAX_VALUE) % (Long.MAX_VALUE - 1_000_000L);
                client(ACCOUNT, "unknown id", "GET", "/oneflow/accounts/" + unknown, Map.of(), new byte[0], "GET", 404);
            }
            client(ACCOUNT, "query id", "GET", "/oneflow/accounts/abc?id=" + SEEDED_ACCOUNT, Map.of(), new byte[0], "GET", 404);
            client(ACCOUNT, "no id", "GET", "/oneflow/accounts/", Map.of(), new byte[0], "GET", 404);
            rawIds(ACCOUNT, "GET", "/oneflow/accounts/", "", "GET", 404);
            wrongMethods(ACCOUNT, "/oneflow/accounts/" + SEEDED_ACCOUNT, "GET",
                    bytes("{\"account_id\":" + SEEDED_ACCOUNT + ",\"event\":\"disable\"}"));
            serverCap(ACCOUNT, "GET", "/oneflow/accounts/" + SEEDED_ACCOUNT, "GET");
            injectedHeaders(ACCOUNT, "GET", "/oneflow/accounts/0", new byte[0], "GET", 404);
        }

        // --- POST /oneio/messages ---

        private void ingest() {
            String allow = "POST";
            String valid = "{\"summary\":" + quote(pick(SQL)) + ",\"priority\":1,\"tags\":[\"a\",\"b\"],\"n\":{\"x\":null}}";
            for (int i = 0; i < 50; i++) {
                String whole = random.nextBoolean() ? valid : "[{\"summary\":" + quote(pick(CRLF)) + "},{\"n\":1.5e3}]";
                client(INGEST, "truncated", "POST", "/oneio/messages", jsonType(), truncated(bytes(whole)), allow, 400);
            }
            for (String root : List.of("null", "true", "false", "42", "-0.5", "1e999", "\"\"", quote(pick(SQL)),
                    quote(pick(CRLF)), quote(pick(ODD)), "\"" + "x".repeat(900_000) + "\"")) {
                client(INGEST, "not an object or array", "POST", "/oneio/messages", jsonType(), bytes(root), allow, 400);
            }
            for (String body : SYNTAX) {
                // Any object is a message: the trailing comma keeps even the well-formed ones malformed.
                client(INGEST, "syntax", "POST", "/oneio/messages", jsonType(), bytes(body + " ,"), allow, 400);
            }
            for (String type : NOT_JSON_TYPES) {
                client(INGEST, "content type", "POST", "/oneio/messages", typed(type), bytes(valid), allow, 415);
            }
            client(INGEST, "no content type", "POST", "/oneio/messages", Map.of(), bytes(valid), allow, 415);
            client(INGEST, "multipart", "POST", "/oneio/messages", typed("multipart/form-data; boundary=corpus"),
                    multipart("summary", "x"), allow, 415);
            for (byte[] bad : BAD_UTF8) {
                client(INGEST, "invalid UTF-8", "POST", "/oneio/messages", jsonType(),
                        concat(bytes("{\"summary\":\"a"), bad, bytes("b\"}")), allow, 400);
                client(INGEST, "invalid UTF-8", "POST", "/oneio/messages", jsonType(),
                        concat(bytes("[\""), bad, bytes("\"]")), allow, 400);
            }
            for (int i = 0; i < 45; i++) {
                String key = badIdempotencyKey();
                Map<String, String> headers = new LinkedHashMap<>(jsonType());
                headers.put("Idempotency-Key", key);
                boolean printable = key.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F);
                add(INGEST, "Idempotency-Key", printable ? Transport.CLIENT : Transport.RAW, "POST", "/oneio/messages",
                        headers, bytes(valid), allow, 400);
            }
            client(INGEST, "deep nesting", "POST", "/oneio/messages", jsonType(), bytes(nested(10_000, false)), allow, 400);
            client(INGEST, "deep nesting", "POST", "/oneio/messages", jsonType(), bytes(nested(10_000, true)), allow, 400);
            client(INGEST, "deep nesting", "POST", "/oneio/messages", jsonType(),
                    bytes("{\"a\":" + nested(5_000, false) + "}"), allow, 400);
            client(INGEST, "deep nesting", "POST", "/oneio/messages", jsonType(), bytes("[".repeat(10_000)), allow, 400);
            oversized(INGEST, "POST", "/oneio/messages", jsonType(), valid, INGEST_LIMIT, allow);
            client(INGEST, "empty body", "POST", "/oneio/messages", jsonType(), new byte[0], allow, 400);
            client(INGEST, "blank body", "POST", "/oneio/messages", jsonType(), bytes("\n"), allow, 400);
            wrongMethods(INGEST, "/oneio/messages", allow, bytes(valid));
            injectedHeaders(INGEST, "POST", "/oneio/messages", bytes("{\"a\":"), allow, 400);
        }

        private String badIdempotencyKey() {
            String key = switch (random.nextInt(6)) {
                case 0 -> pick(SQL);
                case 1 -> pick(List.of("", " ", "a b", "a\tb", "\u00e9t\u00e9", "key\u007f", "\u00ff\u00fe"));
                case 2 -> "k".repeat(256 + random.nextInt(5_000));
                case 3 -> pick(ODD) + " " + random.nextInt(100);
                case 4 -> "order-" + random.nextInt(100) + " ; DROP TABLE oneio_outbox";
                default -> new String(pick(BAD_UTF8), StandardCharsets.ISO_8859_1) + "order";
            };
            return IDEMPOTENCY_KEY.matcher(key.strip()).matches() ? key + " x" : key;
        }

        // --- GET /oneio/messages/{id} and POST /oneio/messages/{id}/retry ---

        private void message() {
            for (String id : badIds(false)) {
                client(MESSAGE, "bad id", "GET", "/oneio/messages/" + encode(id) + query(), Map.of(), new byte[0], "GET", 404);
            }
            client(MESSAGE, "other case", "GET", "/oneio/messages/" + deliveredMessage.toUpperCase(Locale.ROOT),
                    Map.of(), new byte[0], "GET", 404);
            rawIds(MESSAGE, "GET", "/oneio/messages/", "", "GET", 404);
            wrongMethods(MESSAGE, "/oneio/messages/" + deliveredMessage, "GET", bytes("{\"status\":\"queued\"}"));
            serverCap(MESSAGE, "GET", "/oneio/messages/" + deliveredMessage, "GET");
            injectedHeaders(MESSAGE, "GET", "/oneio/messages/nope", new byte[0], "GET", 404);
        }

        // --- the admin endpoints: a wrong or missing key is 401 before anything else ---

        private List<String> wrongAdminKeys() {
            List<String> keys = new ArrayList<>(List.of(ADMIN_KEY.toUpperCase(Locale.ROOT), ADMIN_KEY.substring(1),
                    ADMIN_KEY + "x", "corpus:" + ADMIN_KEY, "x".repeat(4000)));
            for (int i = 0; i < 6; i++) {
                keys.add(pick(SQL));
                keys.add(pick(ODD).strip());
            }
            // The JDK client sends printable ASCII header values only.
            keys.removeIf(key -> !key.matches("[ -~]+"));
            return keys;
        }

        private void accountToken() {
            String path = "/oneflow/accounts/" + SEEDED_ACCOUNT + "/token";
            for (String key : wrongAdminKeys()) {
                client(ACCOUNT_TOKEN, "wrong key", "GET", path, Map.of("X-Api-Key", key), new byte[0], "GET", 401);
            }
            client(ACCOUNT_TOKEN, "no key", "GET", path, Map.of(), new byte[0], "GET", 401);
            for (String id : badIds(true)) {
                client(ACCOUNT_TOKEN, "bad id", "GET", "/oneflow/accounts/" + encode(id) + "/token" + query(),
                        Map.of("X-Api-Key", ADMIN_KEY), new byte[0], "GET", 404);
            }
            wrongMethods(ACCOUNT_TOKEN, path, "GET", new byte[0]);
            injectedHeaders(ACCOUNT_TOKEN, "GET", path, new byte[0], "GET", 401);
        }

        private void rotate() {
            String path = "/oneflow/token-keys/rotate";
            for (String key : wrongAdminKeys()) {
                client(ROTATE, "wrong key", "POST", path, Map.of("X-Api-Key", key), bytes(pick(SYNTAX)), "POST", 401);
            }
            client(ROTATE, "no key", "POST", path, jsonType(), bytes(pick(SQL)), "POST", 401);
            wrongMethods(ROTATE, path, "POST", new byte[0]);
            injectedHeaders(ROTATE, "POST", path, bytes(pick(SYNTAX)), "POST", 401);
        }

        private void retry() {
            for (String id : badIds(false)) {
                byte[] body = random.nextBoolean() ? new byte[0] : bytes(pick(SYNTAX));
                client(RETRY, "bad id", "POST", "/oneio/messages/" + encode(id) + "/retry" + query(),
                        random.nextBoolean() ? jsonType() : Map.of(), body, "POST", 404);
            }
            client(RETRY, "not failed", "POST", "/oneio/messages/" + deliveredMessage + "/retry", Map.of(),
                    new byte[0], "POST", 409);
            client(RETRY, "not failed", "POST", "/oneio/messages/" + deliveredMessage + "/retry", jsonType(),
                    bytes("{\"status\":\"failed\"}"), "POST", 409);
            // Vert.x may merge the two slashes: then it is POST /oneio/messages/retry, which takes GET only.
            client(RETRY, "no id", "POST", "/oneio/messages//retry", Map.of(), new byte[0], "GET", 404, 405);
            rawIds(RETRY, "POST", "/oneio/messages/", "/retry", "POST", 404);
            wrongMethods(RETRY, "/oneio/messages/" + deliveredMessage + "/retry", "POST", new byte[0]);
            serverCap(RETRY, "POST", "/oneio/messages/" + deliveredMessage + "/retry", "POST");
            injectedHeaders(RETRY, "POST", "/oneio/messages/nope/retry", new byte[0], "POST", 404);
        }

        /** Ids no route can find: malformed, hostile, huge, or well-formed but unknown. */
        private List<String> badIds(boolean accounts) {
            List<String> ids = new ArrayList<>();
            ids.addAll(SQL);
            ids.addAll(CRLF);
            ids.addAll(ODD);
            ids.addAll(List.of("0", "00", "-1", "+1", "01", "0123", "1.0", "1e3", "0x1F", " 1", "1 ", "abc", "123abc",
                    "9223372036854775808", "99999999999999999999", "-9223372036854775808", "１２３", "123;DROP",
                    "123%", "%2e%2e", "../../openapi.json", "123/../124", "1,2", "[1]", "{\"id\":1}", "%00"));
            ids.add("1".repeat(400));
            ids.add("9".repeat(2_000));
            ids.add(new String(new char[] {0xD83D}) + "x");
            for (int i = 0; i < 12; i++) {
                ids.add(accounts ? String.valueOf(SEEDED_ACCOUNT) + (char) ('a' + random.nextInt(26))
                        : UUID.nameUUIDFromBytes(longBytes(random.nextLong())).toString());
            }
            if (!accounts) {
                ids.add(deliveredMessage + "x");
                ids.add(deliveredMessage.substring(1));
                ids.add(deliveredMessage + "' OR '1'='1");
            }
            return ids;
        }

        /** Path ids sent as they are, not %-encoded: quotes, semicolons, bytes over 0x7F. */
        private void rawIds(String endpoint, String method, String prefix, String suffix, String allow, int status) {
            for (String id : List.of("1'OR'1'='1", "1;DROP", "\"1\"", "<1>", "1|2", "1{2}", "1^2", "1`2`",
                    "\u00e9\u00ff", "%FF%FE", "%C0%AF", "%ED%A0%80")) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put(PROBE_HEADER, probe());
                add(endpoint, "raw id", Transport.RAW, method, prefix + id + suffix, headers, new byte[0], allow, status);
            }
        }

        // --- shared shapes ---

        private void wrongMethods(String endpoint, String path, String allow, byte[] body) {
            for (String method : METHODS) {
                if (!method.equals(allow)) {
                    Map<String, String> headers = body.length > 0 ? jsonType() : Map.of();
                    Transport transport = method.equals(method.toUpperCase(Locale.ROOT)) ? Transport.CLIENT : Transport.RAW;
                    add(endpoint, "method " + method, transport, method, path + query(), headers, body, allow, 405);
                }
            }
        }

        /** Bodies just over the entry point's own limit (JSON 413 from the route) and over the server's hard cap. */
        private void oversized(String endpoint, String method, String path, Map<String, String> type, String valid,
                               int limit, String allow) {
            client(endpoint, "just over the limit", method, path, type, padded(valid, limit + 1), allow, 413);
            add(endpoint, "just over the limit, chunked", Transport.CHUNKED, method, path, type,
                    padded(valid, limit + 1), allow, 413);
            client(endpoint, "at the limit plus 1 KiB", method, path, type, padded(valid, limit + 1024), allow, 413);
            serverCap(endpoint, method, path, allow);
        }

        private void serverCap(String endpoint, String method, String path, String allow) {
            client(endpoint, "just over the server cap", method, path, jsonType(),
                    padded("{\"a\":1}", SERVER_LIMIT + 1), allow, 413);
            client(endpoint, "over the server cap", method, path, jsonType(),
                    padded("{\"a\":1}", SERVER_LIMIT + 300_000), allow, 413);
            add(endpoint, "over the server cap, chunked", Transport.CHUNKED, method, path, jsonType(),
                    padded("{\"a\":1}", SERVER_LIMIT + 100_000), allow, 413);
        }

        /** CR/LF and bytes over 0x7F in header values, which only a raw socket sends; nothing may come back. */
        private void injectedHeaders(String endpoint, String method, String path, byte[] badBody, String allow,
                                     int status) {
            List<Map<String, String>> sets = List.of(
                    Map.of("Idempotency-Key", "order-1\r\nX-Injected: yes"),
                    Map.of("Idempotency-Key", "order-2\nX-Injected: yes"),
                    Map.of("Content-Type", "application/json\r\nX-Injected: yes"),
                    Map.of("X-Forwarded-For", "127.0.0.1\r\nX-Injected: yes\r\nSet-Cookie: corpus=1"),
                    Map.of("Idempotency-Key", "\u00e9\u00e8\u00ff-order"),
                    Map.of("Accept", "application/json\r\nX-Injected: <script>"));
            for (Map<String, String> set : sets) {
                Map<String, String> headers = new LinkedHashMap<>();
                if (!set.containsKey("Content-Type") && badBody.length > 0) {
                    headers.put("Content-Type", "application/json");
                }
                headers.putAll(set);
                headers.put(PROBE_HEADER, probe());
                add(endpoint, "header injection", Transport.RAW, method, path, headers, badBody, allow, status);
            }
        }

        /** Malformed HTTP: Vert.x answers these itself (empty or plain text), before any handler of the bundle. */
        private void malformedHttp() {
            Map<String, String> probe = new LinkedHashMap<>();
            probe.put(PROBE_HEADER, probe());
            add(OPENAPI, "request line over 4 KiB", Transport.PROTOCOL, "GET", "/openapi.json?" + "q".repeat(5_000),
                    probe, new byte[0], "GET");
            add(INGEST, "headers over 8 KiB", Transport.PROTOCOL, "POST", "/oneio/messages",
                    Map.of("Idempotency-Key", "k".repeat(9_000), PROBE_HEADER, probe()), bytes("{}"), "POST");
            add(ACCOUNT, "CR inside a header value", Transport.PROTOCOL, "GET", "/oneflow/accounts/1",
                    Map.of("X-Other", "a\rX-Injected: yes", PROBE_HEADER, probe()), new byte[0], "GET");
            add(MESSAGE, "invalid %-escape in the path", Transport.PROTOCOL, "GET", "/oneio/messages/a%ZZb", probe,
                    new byte[0], "GET");
            add(MESSAGE, "space in the path", Transport.PROTOCOL, "GET", "/oneio/messages/a b", probe, new byte[0], "GET");
            add(SETUP, "NUL in a header value", Transport.PROTOCOL, "POST", "/oneflow/setup",
                    Map.of("Content-Type", "application/json\u0000", PROBE_HEADER, probe()), bytes("{}"), "POST");
        }

        // --- helpers ---

        private void client(String endpoint, String kind, String method, String target, Map<String, String> headers,
                            byte[] body, String allow, Integer... expected) {
            add(endpoint, kind, Transport.CLIENT, method, target, headers, body, allow, expected);
        }

        private void add(String endpoint, String kind, Transport transport, String method, String target,
                         Map<String, String> headers, byte[] body, String allow, Integer... expected) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putIfAbsent(PROBE_HEADER, probe());
            boolean malformed = transport == Transport.RAW && all.values().stream().anyMatch(Corpus::isMalformedValue);
            cases.add(new Case(endpoint, kind, malformed ? Transport.PROTOCOL : transport, method, target, all, body,
                    Set.of(expected), allow));
        }

        /** A control character other than HTAB left in a header value once CRLF has split it: not HTTP any more. */
        private static boolean isMalformedValue(String value) {
            for (String line : value.split("\r\n", -1)) {
                if (line.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7F)) {
                    return true;
                }
            }
            return false;
        }

        private String probe() {
            return "probe-" + (++probes) + "-" + Long.toHexString(random.nextLong());
        }

        private <T> T pick(List<T> choices) {
            return choices.get(random.nextInt(choices.size()));
        }

        private Map<String, String> jsonType() {
            return typed(pick(List.of("application/json", "application/json", "application/json; charset=utf-8",
                    "application/vnd.corpus+json", "APPLICATION/JSON")));
        }

        private static Map<String, String> typed(String contentType) {
            return Map.of("Content-Type", contentType);
        }

        /** Junk query parameters, some named like the headers and fields the routes read. */
        private String query() {
            return pick(List.of("", "", "", "", "?id=" + SEEDED_ACCOUNT, "?account_id=1&event=enable",
                    "?token=" + VALID_TOKEN, "?CamelHttpMethod=POST&CamelHttpUri=http%3A%2F%2Fevil.example",
                    "?%0d%0aX-Injected:%20yes=1", "?a=" + "x".repeat(1_000), "?q=" + encode(pick(SQL)), "?&&=&"));
        }

        private byte[] truncated(byte[] whole) {
            return Arrays.copyOf(whole, random.nextInt(whole.length));
        }

        /** A valid JSON value padded with spaces inside it to exactly {@code length} bytes. */
        private static byte[] padded(String json, int length) {
            byte[] head = bytes(json.substring(0, 1));
            byte[] tail = bytes(json.substring(1));
            byte[] body = new byte[length];
            Arrays.fill(body, (byte) ' ');
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(tail, 0, body, length - tail.length, tail.length);
            return body;
        }

        private static String nested(int depth, boolean objects) {
            return objects ? "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth);
        }

        private static byte[] multipart(String field, String value) {
            return bytes("--corpus\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value
                    + "\r\n--corpus\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                    + "Content-Type: text/plain\r\n\r\nhello\r\n--corpus--\r\n");
        }

        private static String quote(String text) {
            try {
                return JSON.writeValueAsString(text);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String stripQuotes(String json) {
            try {
                JsonNode node = JSON.readTree(json);
                return node.isTextual() ? node.textValue() : json;
            } catch (JsonProcessingException e) {
                return json;
            }
        }

        private static boolean isValidToken(String json) {
            String token = stripQuotes(json);
            return json.startsWith("\"") && TOKEN.matcher(token.strip()).matches();
        }

        private static boolean isValidEmail(String json) {
            if (!json.startsWith("\"")) {
                return json.equals("null");
            }
            String email = stripQuotes(json).strip();
            return email.isEmpty() || email.length() <= 254 && EMAIL.matcher(email).matches();
        }

        /** %-encodes everything but RFC 3986's unreserved characters. */
        private static String encode(String text) {
            StringBuilder out = new StringBuilder();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '.' || c == '_' || c == '~') {
                    out.append((char) c);
                } else {
                    out.append('%').append(String.format("%02X", c));
                }
            }
            return out.toString();
        }

        private static String formEncode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                out.writeBytes(part);
            }
            return out.toByteArray();
        }

        private static byte[] longBytes(long value) {
            return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }
    }
}
