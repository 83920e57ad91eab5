package com.example.bridge.oneio;

import static com.example.bridge.db.SqlTimes.isoInstant;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The JSON view of one outbox row, for GET /oneio/messages/{id}. The payload is not part of it. */
public class OutboxReplies {

    public record MessageView(String id, String status, int attempts,
                              @JsonProperty("last_status") Integer lastStatus,
                              @JsonProperty("last_error") String lastError,
                              @JsonProperty("created_at") String createdAt,
                              @JsonProperty("delivered_at") String deliveredAt) {
    }

    /** {@code row} is one row of oneio_outbox, its columns aliased in lower case. */
    public MessageView view(Map<String, Object> row) {
        Number lastStatus = (Number) row.get("last_status");
        return new MessageView((String) row.get("id"), ((String) row.get("status")).toLowerCase(),
                ((Number) row.get("attempts")).intValue(), lastStatus == null ? null : lastStatus.intValue(),
                (String) row.get("last_error"), isoInstant(row.get("created_at")), isoInstant(row.get("delivered_at")));
    }
}
