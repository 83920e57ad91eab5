package com.example.bridge.oneio;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Message ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids made later sort
 * later, so each insert lands at the end of the primary-key index instead of on a random page of it: on H2 a random
 * UUID made every group commit rewrite one index page per message.
 */
public class MessageIds {

    private final SecureRandom random = new SecureRandom();

    public String next() {
        long millis = System.currentTimeMillis();
        long randomHigh = random.nextLong();
        long randomLow = random.nextLong();
        long mostSignificant = (millis << 16) | 0x7000L | (randomHigh & 0x0FFFL);
        long leastSignificant = (randomLow & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(mostSignificant, leastSignificant).toString();
    }
}
