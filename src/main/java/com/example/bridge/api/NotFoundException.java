package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 404 {@code not_found}. */
public class NotFoundException extends ApiException {

    public NotFoundException(String message) {
        super(404, "not_found", message);
    }
}
