package com.example.bridge.oneflow;

import com.example.bridge.api.ApiException;
import com.example.bridge.api.MediaTypes;
import com.example.bridge.api.NotFoundException;
import com.example.bridge.api.PathParameters;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Message;

/** Validates what callers send to the Oneflow entry points; every refusal is a 4xx {@link ApiException}. */
public class OneflowRequestParser {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{40}");
    // No control characters: a NUL passed, and PostgreSQL refused it in the MERGE (500) after Oneflow's check.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>\\p{Cntrl}]{1,64}@[^@\\s\"<>\\p{Cntrl}]+\\.[^@\\s\"<>\\p{Cntrl}]+");
    private static final int MAX_EMAIL_LENGTH = 254;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final long maxBodyBytes;

    public OneflowRequestParser(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public SetupEvent parseSetup(Message message) {
        // Oneflow's documents do not say which Content-Type its Setup URL call carries: a missing one is read as
        // JSON, so that enables never fail on it; a declared non-JSON type is refused.
        String contentType = message.getHeader("Content-Type", String.class);
        if (contentType != null && !contentType.isBlank() && !MediaTypes.isJson(contentType)) {
            throw ApiException.unsupportedMediaType("Send the setup event as Content-Type: application/json");
        }
        JsonNode root = readObject(message.getBody(byte[].class));
        long accountId = accountId(root.get("account_id"));
        String event = text(root.get("event"), "event");
        if (event == null) {
            throw ApiException.invalidRequest("event is required");
        }
        JsonNode data = root.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw ApiException.invalidRequest("data must be an object");
        }
        return switch (event) {
            case SetupEvent.ENABLE -> {
                if (data == null || data.isNull()) {
                    throw ApiException.invalidRequest("data.token is required to enable");
                }
                yield new SetupEvent(accountId, event, token(data.get("token"), "data.token"),
                        email(data.get("email"), "data.email"));
            }
            case SetupEvent.DISABLE -> new SetupEvent(accountId, event, null, null);
            default -> throw ApiException.invalidRequest("event must be \"enable\" or \"disable\"");
        };
    }

    /** Accepts the JSON body or the connect page's form post (which platform-http hands over as a Map). */
    public TokenSubmission parseTokenSubmission(Message message) {
        String contentType = message.getHeader("Content-Type", String.class);
        if (MediaTypes.isForm(contentType)) {
            Map<?, ?> form = message.getBody() instanceof Map<?, ?> fields ? fields : Map.of();
            if (formBytes(message, form) > maxBodyBytes) {
                throw ApiException.tooLarge(maxBodyBytes);
            }
            return new TokenSubmission(token(formValue(form, "token"), "token"), email(formValue(form, "email"), "email"));
        }
        if (!MediaTypes.isJson(contentType)) {
            throw ApiException.unsupportedMediaType(
                    "Send the token as Content-Type: application/json or as a form (application/x-www-form-urlencoded)");
        }
        JsonNode root = readObject(message.getBody(byte[].class));
        return new TokenSubmission(token(root.get("token"), "token"), email(root.get("email"), "email"));
    }

    /**
     * The account id of {@code GET /oneflow/accounts/{id}}: the ids the Setup URL takes (1 to 2^63-1, no sign, no
     * leading zero); anything else names no account.
     */
    public long accountIdInPath(Message message) {
        String id = PathParameters.value(message, "id");
        if (id == null || !ACCOUNT_ID.matcher(id).matches()) {
            throw new NotFoundException("No such account");
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFoundException("No such account");
        }
    }

    private JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalidJson();
        }
        if (body.length > maxBodyBytes) {
            throw ApiException.tooLarge(maxBodyBytes);
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            throw ApiException.invalidJson();
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalidRequest("The request body must be a JSON object");
        }
        return root;
    }

    private static long accountId(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.invalidRequest("account_id is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
            throw ApiException.invalidRequest("account_id must be a positive integer");
        }
        return node.asLong();
    }

    private static String token(Object value, String field) {
        String token = value instanceof JsonNode node ? text(node, field) : (String) value;
        if (token == null || token.isBlank()) {
            throw ApiException.invalidRequest(field + " is required");
        }
        token = token.strip();
        if (!TOKEN.matcher(token).matches()) {
            throw ApiException.invalidRequest(field + " must be 40 characters: letters, digits and hyphens");
        }
        return token;
    }

    private static String email(Object value, String field) {
        String email = value instanceof JsonNode node ? text(node, field) : (String) value;
        if (email == null || email.isBlank()) {
            return null;
        }
        email = email.strip();
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            throw ApiException.invalidRequest(field + " must be an email address");
        }
        return email;
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidRequest(field + " must be a string");
        }
        return node.textValue();
    }

    /**
     * A form post's size for the body limit. platform-http hands over only the decoded fields, so this is the larger of
     * the Content-Length and the fields encoded again (a chunked post has no Content-Length).
     */
    private static long formBytes(Message message, Map<?, ?> form) {
        long encoded = 0;
        for (Map.Entry<?, ?> field : form.entrySet()) {
            Iterable<?> values = field.getValue() instanceof Iterable<?> many ? many : List.of(field.getValue());
            for (Object value : values) {
                encoded += URLEncoder.encode(String.valueOf(field.getKey()), StandardCharsets.UTF_8).length() + 1
                        + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).length() + 1;
            }
        }
        String contentLength = message.getHeader("Content-Length", String.class);
        return contentLength != null && contentLength.strip().matches("[0-9]{1,18}")
                ? Math.max(encoded, Long.parseLong(contentLength.strip())) : encoded;
    }

    private static String formValue(Map<?, ?> form, String field) {
        Object value = form.get(field);
        if (value instanceof Iterable<?> values) {
            throw ApiException.invalidRequest(field + " must be given once");
        }
        return value == null ? null : value.toString();
    }
}
