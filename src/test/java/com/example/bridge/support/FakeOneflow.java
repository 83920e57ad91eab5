package com.example.bridge.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;

/** WireMock playing Oneflow's {@code GET /v1/accounts/me}, one stub per token. */
public final class FakeOneflow implements AutoCloseable {

    private static final String ACCOUNTS_ME = "/v1/accounts/me";

    private final WireMockServer server;

    public FakeOneflow() {
        this(0);
    }

    /** On a fixed port (0: a free one), so that after {@link #refuseConnections()} it comes back at the same URL. */
    public FakeOneflow(int port) {
        server = new WireMockServer((port == 0 ? options().dynamicPort() : options().port(port)).containerThreads(60));
        server.start();
    }

    /** Oneflow down: connections refused until {@link #acceptConnections()}; stubs and journal are kept. */
    public void refuseConnections() {
        server.stop();
    }

    public void acceptConnections() {
        server.start();
    }

    /** The bundle's properties that point it at this fake, with a short timeout for the slow-Oneflow tests. */
    public Map<String, String> bridgeProperties() {
        return Map.of("oneflow.api-url", url(), "oneflow.timeout-ms", "1000");
    }

    public String url() {
        return server.baseUrl();
    }

    /** A 40-character token of letters, digits and hyphens, distinct per seed. */
    public static String token(String seed) {
        String base = (seed + "-oneflow-token-").repeat(8);
        return base.substring(0, 40).replaceAll("[^A-Za-z0-9-]", "x");
    }

    public void account(String token, long id, String name) {
        answer(token, accountAnswer(id, name));
    }

    /** Oneflow's 200 for {@code accounts/me}: the account with that id and name. */
    public static ResponseDefinitionBuilder accountAnswer(long id, String name) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":" + id + ",\"name\":\"" + name.replace("\"", "\\\"") + "\",\"country_code\":\"SE\"}");
    }

    public void status(String token, int status) {
        answer(token, aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":\"HTTP " + status + "\"}"));
    }

    public void answer(String token, ResponseDefinitionBuilder response) {
        server.stubFor(get(urlEqualTo(ACCOUNTS_ME)).withHeader("x-oneflow-api-token", equalTo(token)).willReturn(response));
    }

    public void slow(String token, long id, int delayMillis) {
        answer(token, aResponse().withStatus(200).withFixedDelay(delayMillis)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":" + id + ",\"name\":\"Slow\"}"));
    }

    public void fault(String token, Fault fault) {
        answer(token, aResponse().withFault(fault));
    }

    public List<LoggedRequest> requestsWith(String token) {
        return server.findAll(getRequestedFor(urlEqualTo(ACCOUNTS_ME)).withHeader("x-oneflow-api-token", equalTo(token)));
    }

    public int requestCount() {
        return server.getAllServeEvents().size();
    }

    public void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }
}
