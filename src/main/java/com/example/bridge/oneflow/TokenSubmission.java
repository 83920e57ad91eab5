package com.example.bridge.oneflow;

/** A token pasted into the connect page (Show Token Authentication). {@code email} may be null. */
public record TokenSubmission(String token, String email) {
}
