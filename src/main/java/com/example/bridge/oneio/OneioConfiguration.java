package com.example.bridge.oneio;

import com.example.bridge.db.DurableCommits;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

public class OneioConfiguration implements CamelConfiguration {

    private OneioTokenProvider tokens;
    private OutboxWriter outboxWriter;

    @BindToRegistry("outboxWriter")
    public OutboxWriter outboxWriter(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("durableCommits") DurableCommits durableCommits) {
        if (outboxWriter == null) {
            outboxWriter = new OutboxWriter(dataSource, durableCommits);
        }
        return outboxWriter;
    }

    // Built in Java so that the client secret never passes through a camel.beans.* value, which Camel logs at start.
    @BindToRegistry("oneioTokens")
    public OneioTokenProvider oneioTokens(
            @PropertyInject("oneio.token-url") String tokenUrl,
            @PropertyInject(value = "oneio.client-id", defaultValue = "") String clientId,
            @PropertyInject(value = "oneio.client-secret", defaultValue = "") String clientSecret,
            @PropertyInject("oneio.token.refresh-margin-seconds") int refreshMarginSeconds,
            @PropertyInject("oneflow.timeout-ms") long timeoutMillis,
            @PropertyInject("oneio.delivery.initial-backoff-ms") long initialBackoffMillis,
            @PropertyInject("oneio.delivery.max-backoff-ms") long maxBackoffMillis,
            @BeanInject("metricsRegistry") MeterRegistry meters) {
        // Camel 4.18 calls @BindToRegistry methods twice (see DatabaseConfiguration): keep one provider and client.
        if (tokens != null) {
            return tokens;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMillis)).build();
        tokens = new OneioTokenProvider(client, tokenUrl, clientId, clientSecret, Duration.ofSeconds(refreshMarginSeconds),
                Duration.ofMillis(timeoutMillis), initialBackoffMillis, maxBackoffMillis, Clock.systemUTC(), meters);
        return tokens;
    }
}
