package com.example.bridge.oneio;

import com.example.bridge.db.DurableCommits;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

public class OneioConfiguration implements CamelConfiguration {

    private OneioTokenProvider tokens;
    private OutboxWriter outboxWriter;
    private IngestHandOff handOff;

    @BindToRegistry("ingestHandOff")
    public IngestHandOff ingestHandOff(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("oneio.delivery.lease-seconds") int leaseSeconds,
            @PropertyInject("oneio.delivery.batch-size") int batchSize) {
        if (handOff == null) {
            handOff = new IngestHandOff(dataSource, leaseSeconds, batchSize);
        }
        return handOff;
    }

    @BindToRegistry("outboxWriter")
    public OutboxWriter outboxWriter(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("durableCommits") DurableCommits durableCommits,
            @BeanInject("ingestHandOff") IngestHandOff handOff) {
        if (outboxWriter == null) {
            outboxWriter = new OutboxWriter(dataSource, durableCommits, handOff);
        }
        return outboxWriter;
    }

    /**
     * Gives back the messages still waiting in the hand-off when Camel stops: after the routes, and before the
     * database's pool closes (services stop in the reverse order of their adding, and DatabaseConfiguration's comes
     * first).
     */
    @Override
    public void configure(CamelContext camelContext) throws Exception {
        camelContext.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                if (handOff != null) {
                    handOff.giveBack();
                }
            }
        }, true, true);
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
