package com.example.bridge.oneio;

/** A claimed message's lease has too little time left for a POST: it is given back unsent instead. */
public class LeaseEndingException extends RuntimeException {

    public LeaseEndingException(String message) {
        super(message, null, false, false);
    }
}
