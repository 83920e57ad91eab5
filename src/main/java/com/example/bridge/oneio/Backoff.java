package com.example.bridge.oneio;

/** Exponential backoff: {@code initialMillis} after the first failure, doubling, never above {@code maxMillis}. */
public record Backoff(long initialMillis, long maxMillis) {

    public long ceilingMillis(long failures) {
        return Math.min(maxMillis, initialMillis << Math.min(Math.max(failures, 1) - 1, 30));
    }
}
