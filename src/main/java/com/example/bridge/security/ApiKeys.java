package com.example.bridge.security;

import com.example.bridge.api.UnauthorizedException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The X-Api-Key check of the entry points. Keys are lists of {@code name:key}; the name (never the key) is what the
 * logs show. Compared as SHA-256 digests with {@link MessageDigest#isEqual}, over every key, in constant time.
 */
public class ApiKeys {

    public static final String HEADER = "X-Api-Key";

    private final Map<String, byte[]> senders;
    private final Map<String, byte[]> admins;
    private final boolean open;

    /** @param open demo mode: without sender keys the sender endpoints accept any caller */
    public ApiKeys(String senderKeys, String adminKeys, boolean open) {
        this.admins = parse("security.admin-api-keys", adminKeys);
        this.senders = new LinkedHashMap<>(parse("security.api-keys", senderKeys));
        this.open = open && senders.isEmpty();
        admins.forEach(senders::putIfAbsent);
    }

    public boolean hasSenderKeys() {
        return !senders.isEmpty();
    }

    /** True when the sender endpoints accept any caller (demo mode without security.api-keys). */
    public boolean isOpen() {
        return open;
    }

    /**
     * Message senders and account views: a sender or an admin key. Sets variable {@code sender} to the key's name
     * ("" in demo mode): Idempotency-Keys hold per sender. Returns nothing, so that a route calls it as a bean step:
     * as an expression (setVariable with method) each call would copy the whole exchange.
     */
    public void requireSender(@Header(HEADER) String presented, Exchange exchange) {
        exchange.setVariable("sender", open ? "" : match(senders, presented));
    }

    /** Whole tokens and key rotation: an admin key only, even in demo mode. Returns the key's name, for the audit log. */
    public String requireAdmin(@Header(HEADER) String presented) {
        return match(admins, presented);
    }

    private static String match(Map<String, byte[]> keys, String presented) {
        // A missing header is compared as "", which no key (16 characters at least) equals.
        byte[] digest = Sha256.digest(presented == null ? "" : presented);
        String found = null;
        for (Map.Entry<String, byte[]> key : keys.entrySet()) {
            if (MessageDigest.isEqual(digest, key.getValue()) && found == null) {
                found = key.getKey();
            }
        }
        if (found == null) {
            throw new UnauthorizedException("A valid " + HEADER + " header is required");
        }
        return found;
    }

    static Map<String, byte[]> parse(String property, String list) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : list == null ? new String[0] : list.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon > 0 ? entry.substring(0, colon).strip() : "";
            String key = colon > 0 ? entry.substring(colon + 1).strip() : "";
            if (!name.matches("[A-Za-z0-9_.-]{1,64}") || key.length() < 16) {
                throw new IllegalArgumentException(property + ": each entry is name:key, the key at least 16 characters"
                        + " (entry " + (keys.size() + 1) + ")");
            }
            keys.put(name, Sha256.digest(key));
        }
        return keys;
    }

}
