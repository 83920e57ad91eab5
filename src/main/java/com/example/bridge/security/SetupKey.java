package com.example.bridge.security;

import com.example.bridge.api.UnauthorizedException;
import java.security.MessageDigest;
import org.apache.camel.Header;

/**
 * {@code oneflow.setup.key}: when set, the Setup URL is registered in Oneflow as {@code .../oneflow/setup?key=SECRET}
 * and a request without that key is refused, compared in constant time.
 */
public class SetupKey {

    private final byte[] key;

    public SetupKey(String key) {
        this.key = key == null || key.isBlank() ? null : Sha256.digest(key);
    }

    public boolean isConfigured() {
        return key != null;
    }

    public void check(@Header("key") String presented) {
        if (key != null && (presented == null || !MessageDigest.isEqual(key, Sha256.digest(presented)))) {
            throw new UnauthorizedException("The Setup URL's key is missing or wrong");
        }
    }
}
