package com.example.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.bridge.OneflowSetupTest.enable;

import com.example.bridge.support.Await;
import com.example.bridge.support.CapturedLogs;
import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.FakeOneio;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/**
 * The whole flow with DEBUG logging: no Oneflow token, ONEiO client secret, access token, API key, Setup URL key or
 * token key may appear in any log line of the bundle, any error body or any response header.
 */
class NoSecretsTest {

    private static final String SENDER_KEY = "sender-key-secret-0001";
    private static final String ADMIN_KEY = "admin-key-secret-0002";
    private static final String SETUP_KEY = "setup-key-secret-0003";
    private static final String TOKEN = FakeOneflow.token("never-logged");
    private static final String REFUSED_TOKEN = FakeOneflow.token("refused-never-logged");
    private static final String ACCESS_A = "access-token-secret-A";
    private static final String ACCESS_B = "access-token-secret-B";
    // WireMock's own request logging is the fakes', not the bundle's.
    private static final List<String> OTHER_LOGGERS = List.of("wiremock", "com.github.tomakehurst", "org.eclipse.jetty");

    private final List<HttpResponse<String>> answers = new ArrayList<>();

    @Test
    void no_secret_reaches_a_log_line_an_error_body_or_a_response_header() throws Exception {
        TestDatabase database = TestDatabase.create();
        database.clear("oneflow_account", "oneio_outbox");
        Level before = LogManager.getRootLogger().getLevel();
        try (FakeOneflow oneflow = new FakeOneflow(); FakeOneio oneio = new FakeOneio()) {
            oneflow.account(TOKEN, 77, "Secretive AB");
            oneflow.status(REFUSED_TOKEN, 401);
            oneio.issuesTokens(3600, 0, ACCESS_A, ACCESS_B);
            oneio.receiverAnswers(ACCESS_A, aResponse().withStatus(401));
            oneio.receiverAnswers(ACCESS_B, aResponse().withStatus(200));
            Map<String, String> properties = new HashMap<>(database.bridgeProperties());
            properties.putAll(oneflow.bridgeProperties());
            properties.putAll(oneio.bridgeProperties());
            properties.put("security.api-keys", "orders:" + SENDER_KEY);
            properties.put("security.admin-api-keys", "ops:" + ADMIN_KEY);
            properties.put("security.allow-open-entry-points", "false");
            properties.put("oneflow.setup.key", SETUP_KEY);
            properties.put("oneio.delivery.poll-ms", "50");

            Configurator.setRootLevel(Level.DEBUG);
            try (CapturedLogs logs = CapturedLogs.attach(); RunningBridge bridge = RunningBridge.start(properties)) {
                String setup = "/oneflow/setup?key=" + SETUP_KEY;
                expect(200, bridge.postJson(setup, enable(77, TOKEN, "owner@secretive.example")));
                expect(401, bridge.postJson(setup, enable(77, REFUSED_TOKEN, null)));
                expect(401, bridge.postJson("/oneflow/setup?key=" + SETUP_KEY + "x", enable(77, TOKEN, null)));
                expect(400, bridge.postJson(setup, "{\"account_id\":77,\"event\":\"enable\",\"data\":{\"token\":\"" + TOKEN + "!\"}}"));
                expect(200, bridge.postJson("/oneflow/token", "{\"token\":\"" + TOKEN + "\"}"));
                expect(200, bridge.send(HttpRequest.newBuilder(bridge.uri("/oneflow/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)))));
                expect(200, withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneflow/accounts/77")).GET(), SENDER_KEY));
                expect(401, withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneflow/accounts/77/token")).GET(), SENDER_KEY));
                expect(401, withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneflow/accounts/77")).GET(), ADMIN_KEY + "x"));
                HttpResponse<String> whole = withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneflow/accounts/77/token")).GET(), ADMIN_KEY);
                assertEquals(200, whole.statusCode());
                assertTrue(whole.body().contains(TOKEN), "the admin read is the one answer with a token");
                checkHeaders(whole);

                HttpResponse<String> accepted = expect(202, withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneio/messages"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")), SENDER_KEY));
                String id = accepted.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
                Await.until("the message delivered after one token refresh", Duration.ofSeconds(20),
                        () -> withKey(bridge, HttpRequest.newBuilder(bridge.uri("/oneio/messages/" + id)).GET(), SENDER_KEY)
                                .body().contains("\"delivered\""));
                assertEquals(2, oneio.tokenRequests().size());
                oneflow.status(TOKEN, 401);
                expect(200, bridge.postJson(setup, "{\"account_id\":77,\"event\":\"disable\"}"));
                expect(200, bridge.postJson("/oneflow/setup?key=" + SETUP_KEY, "{\"account_id\":77,\"event\":\"disable\"}"));

                List<String> secrets = List.of(TOKEN, REFUSED_TOKEN, FakeOneio.CLIENT_SECRET, ACCESS_A, ACCESS_B,
                        SENDER_KEY, ADMIN_KEY, SETUP_KEY, TestSecurity.TOKEN_KEYS.substring(TestSecurity.TOKEN_KEY_ID.length() + 1));
                List<String> bundleLines = logs.linesWithLoggers().stream()
                        .filter(line -> OTHER_LOGGERS.stream().noneMatch(line::startsWith)).toList();
                assertTrue(bundleLines.size() > 100, "DEBUG logging was on: " + bundleLines.size() + " lines");
                List<String> leaks = bundleLines.stream().filter(line -> secrets.stream().anyMatch(line::contains)).toList();
                assertEquals(List.of(), leaks, "log lines with a secret");
                for (String secret : secrets) {
                    for (HttpResponse<String> answer : answers) {
                        assertTrue(!answer.body().contains(secret), "a secret in the answer to " + answer.uri() + ": " + answer.body());
                        answer.headers().map().forEach((name, values) -> assertTrue(values.stream().noneMatch(v -> v.contains(secret)),
                                "a secret in header " + name + " of " + answer.uri()));
                    }
                }
                System.out.printf("No secrets: %d bundle log lines at DEBUG, %d answers, %d secrets checked%n",
                        bundleLines.size(), answers.size(), secrets.size());
            }
        } finally {
            Configurator.setRootLevel(before);
        }
    }

    private HttpResponse<String> expect(int status, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.uri() + ": " + answer.body());
        answers.add(answer);
        return answer;
    }

    private static HttpResponse<String> withKey(RunningBridge bridge, HttpRequest.Builder request, String key) {
        return bridge.send(request.header("X-Api-Key", key));
    }

    private static void checkHeaders(HttpResponse<String> answer) {
        answer.headers().map().forEach((name, values) -> assertTrue(values.stream().noneMatch(v -> v.contains(TOKEN)),
                "the token in header " + name));
    }
}
