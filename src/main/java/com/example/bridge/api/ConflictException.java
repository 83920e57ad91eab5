package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 409 {@code conflict}. */
public class ConflictException extends ApiException {

    public ConflictException(String message) {
        super(409, "conflict", message);
    }
}
