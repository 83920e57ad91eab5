package com.example.bridge.oneio;

import java.time.OffsetDateTime;

/** No ONEiO access token can be had now; {@link #retryAt()} is when the provider will ask the token endpoint again. */
public class TokenUnavailableException extends RuntimeException {

    private final transient OffsetDateTime retryAt;

    public TokenUnavailableException(String message, OffsetDateTime retryAt) {
        super(message, null, false, false);
        this.retryAt = retryAt;
    }

    public OffsetDateTime retryAt() {
        return retryAt;
    }
}
