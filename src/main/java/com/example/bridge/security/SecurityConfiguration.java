package com.example.bridge.security;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential-store side of the bundle. Built in Java so that no key passes through a camel.beans.* value (Camel
 * logs those at start). Outside demo mode the bundle refuses to start without token keys and API keys.
 */
public class SecurityConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

    private TokenCipher tokenCipher;
    private ApiKeys apiKeys;
    private SetupKey setupKey;

    @BindToRegistry("tokenCipher")
    public TokenCipher tokenCipher(
            @PropertyInject(value = "security.token-keys", defaultValue = "") String tokenKeys,
            @PropertyInject(value = "security.allow-plaintext-tokens", defaultValue = "false") boolean allowPlaintext) {
        // Camel 4.18 calls @BindToRegistry methods twice: check and warn once.
        if (tokenCipher == null) {
            TokenKeys keys = TokenKeys.parse(tokenKeys);
            if (keys.isEmpty()) {
                if (!allowPlaintext) {
                    throw new IllegalStateException("security.token-keys is empty: set SECURITY_TOKEN_KEYS to id:base64key"
                            + " (openssl rand -base64 32); only demo mode may store Oneflow tokens in plain text");
                }
                LOG.warn("*** DEMO MODE: no security.token-keys, Oneflow tokens are stored IN PLAIN TEXT ***");
            }
            tokenCipher = new TokenCipher(keys);
        }
        return tokenCipher;
    }

    @BindToRegistry("apiKeys")
    public ApiKeys apiKeys(
            @PropertyInject(value = "security.api-keys", defaultValue = "") String senderKeys,
            @PropertyInject(value = "security.admin-api-keys", defaultValue = "") String adminKeys,
            @PropertyInject(value = "security.allow-open-entry-points", defaultValue = "false") boolean allowOpen) {
        if (apiKeys == null) {
            apiKeys = new ApiKeys(senderKeys, adminKeys, allowOpen);
            if (!apiKeys.hasSenderKeys() && !allowOpen) {
                throw new IllegalStateException("security.api-keys is empty: set SECURITY_API_KEYS to name:key;"
                        + " only demo mode may leave /oneio/messages and /oneflow/accounts open");
            }
            // Also when only admin keys are set: the sender endpoints are open all the same.
            if (apiKeys.isOpen()) {
                LOG.warn("*** DEMO MODE: no security.api-keys, /oneio/messages and /oneflow/accounts/{id} accept ANY caller ***");
            }
        }
        return apiKeys;
    }

    @BindToRegistry("setupKey")
    public SetupKey setupKey(@PropertyInject(value = "oneflow.setup.key", defaultValue = "") String key) {
        if (setupKey == null) {
            setupKey = new SetupKey(key);
        }
        return setupKey;
    }
}
