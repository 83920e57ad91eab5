package com.example.bridge.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.apache.camel.Body;

/**
 * Oneflow tokens at rest: AES-256-GCM, a random 96-bit IV per value, the account id as associated data (a stored
 * token copied to another account's row does not decrypt). Stored as {@code v1:<key id>:<base64(iv | ciphertext+tag)>},
 * so that rows written under an older key still decrypt after a new key became current.
 * Without keys (demo mode only) tokens are stored as they are.
 */
public class TokenCipher {

    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final TokenKeys keys;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(TokenKeys keys) {
        this.keys = keys;
    }

    public String encrypt(long accountId, String token) {
        if (token == null || keys.isEmpty()) {
            return token;
        }
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, keys.current(), iv, accountId, token.getBytes(StandardCharsets.UTF_8));
        byte[] stored = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        return PREFIX + keys.currentId() + ":" + Base64.getEncoder().encodeToString(stored);
    }

    public String decrypt(long accountId, String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        int keyEnd = stored.indexOf(':', PREFIX.length());
        String keyId = stored.substring(PREFIX.length(), keyEnd);
        SecretKey key = keys.byId(keyId);
        if (key == null) {
            throw new IllegalStateException("A stored token was encrypted with key '" + keyId
                    + "', which security.token-keys no longer lists");
        }
        byte[] value = Base64.getDecoder().decode(stored.substring(keyEnd + 1));
        byte[] iv = Arrays.copyOf(value, IV_BYTES);
        byte[] sealed = Arrays.copyOfRange(value, IV_BYTES, value.length);
        return new String(run(Cipher.DECRYPT_MODE, key, iv, accountId, sealed), StandardCharsets.UTF_8);
    }

    /** True when {@code stored} needs no re-encryption: it is under the current key (or there are no keys). */
    public boolean isCurrent(String stored) {
        return stored == null || keys.isEmpty() || stored.startsWith(PREFIX + keys.currentId() + ":");
    }

    /**
     * For the key rotation, a row of {@code SELECT account_id, api_token}: its token under the current key, or null
     * when it is already there.
     */
    public String rotate(@Body Map<String, Object> row) {
        String stored = (String) row.get("api_token");
        if (isCurrent(stored)) {
            return null;
        }
        long accountId = ((Number) row.get("account_id")).longValue();
        return encrypt(accountId, decrypt(accountId, stored));
    }

    /** How many of these rows ({@code SELECT account_id, api_token}) are not under the current key. */
    public int countUnderOldKeys(@Body List<Map<String, Object>> rows) {
        return (int) rows.stream().filter(row -> !isCurrent((String) row.get("api_token"))).count();
    }

    /** Rows of {@code SELECT account_id, api_token}: the same with the token in clear, for the bean that answers. */
    public Map<String, Object> withTokenInClear(@Body Map<String, Object> row) {
        long accountId = ((Number) row.get("account_id")).longValue();
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.put("api_token", decrypt(accountId, (String) row.get("api_token")));
        return copy;
    }

    private static byte[] run(int mode, SecretKey key, byte[] iv, long accountId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(Long.toString(accountId).getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            // Never the token or the key in the message: a wrong key or tampered row ends here.
            throw new IllegalStateException("A stored token could not be " + (mode == Cipher.ENCRYPT_MODE
                    ? "encrypted" : "decrypted") + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
