package com.example.bridge.oneio;

/**
 * A claimed message is not to be POSTed now: its claim's lease has too little time left for a POST, or the bundle is
 * stopping. It is given back unsent instead.
 */
public class NotPostedException extends RuntimeException {

    public NotPostedException(String message) {
        super(message, null, false, false);
    }
}
