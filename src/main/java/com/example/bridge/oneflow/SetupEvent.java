package com.example.bridge.oneflow;

/** A validated request to the Setup URL. {@code token} and {@code email} are null for a disable. */
public record SetupEvent(long accountId, String event, String token, String email) {

    public static final String ENABLE = "enable";
    public static final String DISABLE = "disable";

    public boolean isEnable() {
        return ENABLE.equals(event);
    }
}
