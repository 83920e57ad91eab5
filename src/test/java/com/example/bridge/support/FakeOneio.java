package com.example.bridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;

/** WireMock playing ONEiO: the OAuth 2.0 token resource and the REST receiver, counting calls in its journal. */
public final class FakeOneio implements AutoCloseable {

    public static final String TOKEN_PATH = "/oauth2/token";
    public static final String RECEIVER_PATH = "/api/v2";
    public static final String CLIENT_ID = "bridge-user";
    public static final String CLIENT_SECRET = "s3cret-Client-Password-0123";

    private final WireMockServer server;

    public FakeOneio() {
        this(0);
    }

    /** On a fixed port (0: a free one), so that after {@link #refuseConnections()} it comes back at the same URLs. */
    public FakeOneio(int port) {
        server = new WireMockServer((port == 0 ? options().dynamicPort() : options().port(port)).containerThreads(40));
        server.start();
    }

    /** ONEiO down: connections refused until {@link #acceptConnections()}; stubs and journal are kept. */
    public void refuseConnections() {
        server.stop();
    }

    public void acceptConnections() {
        server.start();
    }

    /** The bundle's properties that point it at this fake. */
    public Map<String, String> bridgeProperties() {
        return Map.of("oneio.token-url", tokenUrl(), "oneio.receiver-url", receiverUrl(),
                "oneio.client-id", CLIENT_ID, "oneio.client-secret", CLIENT_SECRET);
    }

    public String tokenUrl() {
        return server.baseUrl() + TOKEN_PATH;
    }

    public String receiverUrl() {
        return server.baseUrl() + RECEIVER_PATH;
    }

    /** Token endpoint handing out {@code tokens} in turn (the last one repeats), each valid for {@code expiresIn} s. */
    public void issuesTokens(int expiresIn, int delayMillis, String... tokens) {
        for (int i = 0; i < tokens.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "token-" + i;
            var stub = post(urlEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs(state)
                    .withFormParam("grant_type", equalTo("client_credentials"))
                    .withFormParam("client_id", equalTo(CLIENT_ID))
                    .withFormParam("client_secret", equalTo(CLIENT_SECRET))
                    .willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"access_token\":\"" + tokens[i] + "\",\"scope\":\"ROLE_INTEGRATION\","
                                    + "\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"));
            if (i + 1 < tokens.length) {
                stub = stub.willSetStateTo("token-" + (i + 1));
            }
            server.stubFor(stub);
        }
    }

    public void tokenEndpointAnswers(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(response));
    }

    /** The receiver answers {@code response} to requests bearing {@code token}. */
    public void receiverAnswers(String token, ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(RECEIVER_PATH)).withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(response));
    }

    /** The receiver answers the given statuses in turn, then the last one for good. */
    public void receiverAnswersInTurn(String token, int... statuses) {
        for (int i = 0; i < statuses.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "answer-" + i;
            var stub = post(urlEqualTo(RECEIVER_PATH)).inScenario("receiver").whenScenarioStateIs(state)
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(aResponse().withStatus(statuses[i]).withBody("answer " + (i + 1)));
            if (i + 1 < statuses.length) {
                stub = stub.willSetStateTo("answer-" + (i + 1));
            }
            server.stubFor(stub);
        }
    }

    public List<LoggedRequest> tokenRequests() {
        return server.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    public List<LoggedRequest> receiverRequests() {
        return server.findAll(postRequestedFor(urlEqualTo(RECEIVER_PATH)));
    }

    /** Requests the receiver answered with a 2xx status: the deliveries a sender can count on. */
    public List<LoggedRequest> receiverRequestsAnswered2xx() {
        return server.getAllServeEvents().stream()
                .filter(event -> RECEIVER_PATH.equals(event.getRequest().getUrl()))
                .filter(event -> event.getResponse().getStatus() / 100 == 2)
                .map(ServeEvent::getRequest).toList();
    }

    public void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
