package com.example.bridge.oneflow;

import com.example.bridge.api.ApiException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Message;

/** Validates what callers send to the Oneflow entry points; every refusal is a 4xx {@link ApiException}. */
public class OneflowRequestParser {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9-]{40}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>]{1,64}@[^@\\s\"<>]+\\.[^@\\s\"<>]+");
    private static final int MAX_EMAIL_LENGTH = 254;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final long maxBodyBytes;

    public OneflowRequestParser(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public SetupEvent parseSetup(byte[] body) {
        JsonNode root = readObject(body);
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
        if (message.getBody() instanceof Map<?, ?> form) {
            return new TokenSubmission(token(formValue(form, "token"), "token"), email(formValue(form, "email"), "email"));
        }
        JsonNode root = readObject(message.getBody(byte[].class));
        return new TokenSubmission(token(root.get("token"), "token"), email(root.get("email"), "email"));
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

    private static String formValue(Map<?, ?> form, String field) {
        Object value = form.get(field);
        if (value instanceof Iterable<?> values) {
            throw ApiException.invalidRequest(field + " must be given once");
        }
        return value == null ? null : value.toString();
    }
}
