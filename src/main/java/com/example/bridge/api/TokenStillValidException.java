package com.example.bridge.api;

/** A disable without the Setup URL key for an account whose stored token still works: 409 {@code token_still_valid}. */
public class TokenStillValidException extends ApiException {

    public TokenStillValidException(String message) {
        super(409, "token_still_valid", message);
    }
}
