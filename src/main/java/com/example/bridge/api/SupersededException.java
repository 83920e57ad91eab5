package com.example.bridge.api;

/**
 * A setup event or token submission for an account that a later one (by arrival) has changed meanwhile: this one
 * changed nothing. 409 {@code superseded}.
 */
public class SupersededException extends ApiException {

    public SupersededException(String message) {
        super(409, "superseded", message);
    }
}
