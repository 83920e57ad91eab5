package com.example.bridge.oneflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of Oneflow's {@code GET /v1/accounts/me} answer the bundle keeps. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OneflowAccount(Long id, String name) {
}
