package com.example.bridge.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Thrown from the routes with {@code throwException}; answers 405 {@code method_not_allowed} with an Allow header. */
public class MethodNotAllowedException extends ApiException {

    // throwException passes only a message, and every route words it "Use <METHOD>": that method is what Allow names.
    private static final Pattern USE_METHOD = Pattern.compile("Use ([A-Z]+)");

    private final String allow;

    public MethodNotAllowedException(String message) {
        super(405, "method_not_allowed", message);
        Matcher use = USE_METHOD.matcher(message == null ? "" : message);
        this.allow = use.matches() ? use.group(1) : null;
    }

    /** The value of the Allow header (RFC 9110 asks for one on every 405), or null when the message names no method. */
    public String getAllow() {
        return allow;
    }
}
