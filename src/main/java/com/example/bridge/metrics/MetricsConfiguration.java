package com.example.bridge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** Meters kept by Java beans, in the registry that camel-micrometer-prometheus binds and serves at /observe/metrics. */
public class MetricsConfiguration implements CamelConfiguration {

    private OutboxBacklog outboxBacklog;

    @BindToRegistry("outboxBacklog")
    public OutboxBacklog outboxBacklog(@BeanInject("metricsRegistry") MeterRegistry registry) {
        // Camel 4.18 calls @BindToRegistry methods twice: register the gauges once.
        if (outboxBacklog == null) {
            outboxBacklog = new OutboxBacklog(registry);
        }
        return outboxBacklog;
    }
}
