package com.example.bridge.oneflow;

import com.example.bridge.db.ColumnText;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of Oneflow's {@code GET /v1/accounts/me} answer the bundle keeps, the name as it fits account_name. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OneflowAccount(Long id, String name) {

    private static final int NAME_COLUMN_LENGTH = 512;

    public OneflowAccount {
        name = ColumnText.fit(name, NAME_COLUMN_LENGTH);
    }
}
