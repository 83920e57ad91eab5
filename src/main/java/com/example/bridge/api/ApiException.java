package com.example.bridge.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the bundle refuses, with the HTTP status and the error code it answers with.
 * The routes' error configuration turns it into {@code {"error": code, "message": message}}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        // No stack trace: these are answers to callers, not faults of the bundle.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException invalidJson() {
        return new ApiException(400, "invalid_json", "The request body is not valid JSON");
    }

    public static ApiException tooLarge(long limitBytes) {
        return new ApiException(413, "payload_too_large", "The request body is larger than " + limitBytes + " bytes");
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "unsupported_media_type", message);
    }

    public int getStatus() {
        return status;
    }

    public String getCode() {
        return code;
    }

    public Map<String, String> getBody() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", getMessage());
        return body;
    }
}
