package com.example.bridge.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Body;

/** The outbox gauge: rows per status, as last counted by the oneio-backlog route (a scrape never touches the database). */
public class OutboxBacklog {

    private static final List<String> STATUSES = List.of("QUEUED", "DELIVERING", "FAILED");

    private final Map<String, AtomicLong> rows = new ConcurrentHashMap<>();

    public OutboxBacklog(MeterRegistry registry) {
        for (String status : STATUSES) {
            AtomicLong count = rows.computeIfAbsent(status, s -> new AtomicLong());
            Gauge.builder("bridge.oneio.outbox.messages", count, AtomicLong::get)
                    .description("Outbox messages not yet delivered, by status")
                    .tag("status", status.toLowerCase())
                    .register(registry);
        }
    }

    /** @param counts rows of {@code SELECT status, COUNT(*) AS count ... GROUP BY status} */
    public void update(@Body List<Map<String, Object>> counts) {
        Map<String, Long> byStatus = new HashMap<>();
        for (Map<String, Object> row : counts) {
            byStatus.put(String.valueOf(row.get("status")), ((Number) row.get("count")).longValue());
        }
        rows.forEach((status, count) -> count.set(byStatus.getOrDefault(status, 0L)));
    }
}
