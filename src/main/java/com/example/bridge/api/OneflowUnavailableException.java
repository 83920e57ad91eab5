package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 502 {@code oneflow_unavailable}. */
public class OneflowUnavailableException extends ApiException {

    public OneflowUnavailableException(String message) {
        super(502, "oneflow_unavailable", message);
    }
}
