package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 405 {@code method_not_allowed}. */
public class MethodNotAllowedException extends ApiException {

    public MethodNotAllowedException(String message) {
        super(405, "method_not_allowed", message);
    }
}
