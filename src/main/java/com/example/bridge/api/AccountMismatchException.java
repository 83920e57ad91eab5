package com.example.bridge.api;

/** Thrown from the routes with {@code throwException}; answers 403 {@code account_mismatch}. */
public class AccountMismatchException extends ApiException {

    public AccountMismatchException(String message) {
        super(403, "account_mismatch", message);
    }
}
