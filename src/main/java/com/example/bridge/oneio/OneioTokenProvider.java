package com.example.bridge.oneio;

import com.example.bridge.security.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONEiO access tokens by the OAuth 2.0 client-credentials grant, cached until {@code expires_in} minus a margin.
 * Single-flight: however many deliveries ask at once on a cold or expiring cache, one token request is made.
 * After a failed request the endpoint is not asked again before a backoff has passed, which doubles up to a maximum.
 */
public class OneioTokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(OneioTokenProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record CacheKey(String tokenUrl, String clientId, String secretHash) {
    }

    private record CachedToken(String value, Instant refreshAt) {
    }

    private final Map<CacheKey, CachedToken> cache = new ConcurrentHashMap<>();
    private final ReentrantLock requestLock = new ReentrantLock();
    private final HttpClient client;
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final CacheKey key;
    private final Duration refreshMargin;
    private final Duration timeout;
    private final Backoff backoff;
    private final Clock clock;
    private final MeterRegistry meters;
    private long failures;
    private Instant nextRequestAllowedAt = Instant.MIN;

    public OneioTokenProvider(HttpClient client, String tokenUrl, String clientId, String clientSecret,
                              Duration refreshMargin, Duration timeout, long initialBackoffMillis, long maxBackoffMillis,
                              Clock clock, MeterRegistry meters) {
        this.client = client;
        this.tokenUrl = URI.create(tokenUrl);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.key = new CacheKey(tokenUrl, clientId, Sha256.hex(clientSecret));
        this.refreshMargin = refreshMargin;
        this.timeout = timeout;
        this.backoff = new Backoff(initialBackoffMillis, maxBackoffMillis);
        this.clock = clock;
        this.meters = meters;
    }

    /** A valid access token, from the cache or from one token request; throws {@link TokenUnavailableException}. */
    public String token() {
        CachedToken cached = cache.get(key);
        if (isFresh(cached)) {
            return cached.value();
        }
        requestLock.lock();
        try {
            cached = cache.get(key);
            if (isFresh(cached)) {
                return cached.value();
            }
            Instant now = clock.instant();
            if (now.isBefore(nextRequestAllowedAt)) {
                throw new TokenUnavailableException("The ONEiO token endpoint failed; next try after backoff",
                        OffsetDateTime.ofInstant(nextRequestAllowedAt, ZoneOffset.UTC));
            }
            return requestToken(now);
        } finally {
            requestLock.unlock();
        }
    }

    /** Drops {@code token} after the receiver refused it, unless another caller has already replaced it. */
    public void invalidate(String token) {
        cache.computeIfPresent(key, (k, cached) -> cached.value().equals(token) ? null : cached);
    }

    private boolean isFresh(CachedToken cached) {
        return cached != null && clock.instant().isBefore(cached.refreshAt());
    }

    private String requestToken(Instant now) {
        String form = "grant_type=client_credentials&client_id=" + urlEncode(clientId)
                + "&client_secret=" + urlEncode(clientSecret);
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        String failure;
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode body = JSON.readTree(response.body());
                String accessToken = body.path("access_token").asText(null);
                long expiresIn = body.path("expires_in").asLong(0);
                if (accessToken != null && !accessToken.isEmpty() && expiresIn > 0) {
                    // At most half the token's life early: with expires_in at or below the margin, the token was
                    // stale at once and every delivery asked for a new one.
                    Duration lifetime = Duration.ofSeconds(expiresIn);
                    Duration margin = refreshMargin.compareTo(lifetime.dividedBy(2)) < 0 ? refreshMargin : lifetime.dividedBy(2);
                    cache.put(key, new CachedToken(accessToken, now.plus(lifetime).minus(margin)));
                    failures = 0;
                    countRequest("success");
                    LOG.info("ONEiO token obtained, expires in {} s", expiresIn);
                    return accessToken;
                }
                failure = "answer without access_token or expires_in";
                countRequest("invalid_answer");
            } else {
                failure = "HTTP " + response.statusCode();
                countRequest("refused");
            }
        } catch (IOException e) {
            failure = e.getClass().getSimpleName();
            countRequest("unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
            countRequest("unreachable");
        }
        failures++;
        long waitMillis = backoff.ceilingMillis(failures);
        // From the failure, not from the request's start: a slow endpoint (a timeout) had used up the wait already,
        // and the next request followed at once.
        nextRequestAllowedAt = clock.instant().plusMillis(waitMillis);
        LOG.warn("ONEiO token request failed ({}); next try in {} ms", failure, waitMillis);
        throw new TokenUnavailableException("The ONEiO token endpoint failed: " + failure,
                OffsetDateTime.ofInstant(nextRequestAllowedAt, ZoneOffset.UTC));
    }

    private void countRequest(String outcome) {
        Counter.builder("bridge.oneio.token.requests").description("Requests to the ONEiO token endpoint, by outcome")
                .tag("outcome", outcome).register(meters).increment();
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
