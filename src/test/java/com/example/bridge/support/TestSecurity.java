package com.example.bridge.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys the tests run with, and a decryption of stored tokens written here from the documented format
 * ({@code v1:<key id>:<base64(12-byte IV | AES-256-GCM ciphertext+tag)>}, the account id as associated data),
 * independent of the bundle's own code.
 */
public final class TestSecurity {

    public static final String TOKEN_KEY_ID = "test-1";
    public static final byte[] TOKEN_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    public static final String TOKEN_KEYS = TOKEN_KEY_ID + ":" + Base64.getEncoder().encodeToString(TOKEN_KEY);

    private TestSecurity() {
    }

    /** Token keys set, sender API keys not required (the security tests set them). */
    public static Map<String, String> defaults() {
        return Map.of("security.token-keys", TOKEN_KEYS, "security.allow-open-entry-points", "true");
    }

    /** The token stored in a row of oneflow_account ({@code SELECT *}), decrypted with the tests' key. */
    public static String tokenIn(Map<String, Object> row) {
        return decrypt(((Number) row.get("account_id")).longValue(), (String) row.get("api_token"), TOKEN_KEY_ID, TOKEN_KEY);
    }

    public static String decrypt(long accountId, String stored, String keyId, byte[] key) {
        if (stored == null) {
            return null;
        }
        String prefix = "v1:" + keyId + ":";
        if (!stored.startsWith(prefix)) {
            throw new AssertionError("not encrypted under key " + keyId + ": " + stored.substring(0, Math.min(8, stored.length())) + "…");
        }
        byte[] value = Base64.getDecoder().decode(stored.substring(prefix.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, Arrays.copyOf(value, 12)));
            cipher.updateAAD(Long.toString(accountId).getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(Arrays.copyOfRange(value, 12, value.length)), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError("the stored token does not decrypt: " + e);
        }
    }
}
