package com.example.bridge.security;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** {@code security.token-keys}: {@code id:base64key[,id:base64key...]}, 256-bit keys, the first one current. */
public final class TokenKeys {

    private final Map<String, SecretKey> keys;
    private final String currentId;

    private TokenKeys(Map<String, SecretKey> keys) {
        this.keys = keys;
        this.currentId = keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    public static TokenKeys parse(String list) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : list == null ? new String[0] : list.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String id = colon > 0 ? entry.substring(0, colon).strip() : "";
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("security.token-keys: each entry is id:base64key, the id 1-32 letters,"
                        + " digits, '-' or '_' (entry " + (keys.size() + 1) + ")");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("security.token-keys: key '" + id + "' is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("security.token-keys: key '" + id + "' has " + key.length
                        + " bytes; AES-256 needs 32 (openssl rand -base64 32)");
            }
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException("security.token-keys: key id '" + id + "' appears twice");
            }
        }
        return new TokenKeys(keys);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public String currentId() {
        return currentId;
    }

    SecretKey current() {
        return keys.get(currentId);
    }

    SecretKey byId(String id) {
        return keys.get(id);
    }
}
