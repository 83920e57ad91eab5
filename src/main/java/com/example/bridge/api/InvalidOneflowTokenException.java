package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 401 {@code invalid_oneflow_token}. */
public class InvalidOneflowTokenException extends ApiException {

    public InvalidOneflowTokenException(String message) {
        super(401, "invalid_oneflow_token", message);
    }
}
