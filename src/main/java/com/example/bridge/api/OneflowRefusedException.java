package com.example.bridge.api;

/**
 * Oneflow refused to check a token with a 4xx other than 401/403 (a rejected user email, say): asking again will not
 * help, unlike {@link OneflowUnavailableException}. Answers 422 {@code oneflow_refused}.
 */
public class OneflowRefusedException extends ApiException {

    public OneflowRefusedException(String message) {
        super(422, "oneflow_refused", message);
    }
}
