package com.example.bridge.api;

/** A missing or wrong API key or Setup URL key: 401 {@code unauthorized}. */
public class UnauthorizedException extends ApiException {

    public UnauthorizedException(String message) {
        super(401, "unauthorized", message);
    }
}
