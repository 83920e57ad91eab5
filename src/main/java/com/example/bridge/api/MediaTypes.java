package com.example.bridge.api;

import java.util.regex.Pattern;

/** The request Content-Types the entry points accept; anything else is answered 415. */
public final class MediaTypes {

    private static final Pattern JSON = Pattern.compile("(?i)application/([a-z0-9.+-]+\\+)?json\\s*(;.*)?");
    private static final Pattern FORM = Pattern.compile("(?i)application/x-www-form-urlencoded\\s*(;.*)?");

    private MediaTypes() {
    }

    /** application/json or application/<anything>+json, parameters allowed. */
    public static boolean isJson(String contentType) {
        return contentType != null && JSON.matcher(contentType.strip()).matches();
    }

    /** An HTML form post (not multipart/form-data, which no entry point takes). */
    public static boolean isForm(String contentType) {
        return contentType != null && FORM.matcher(contentType.strip()).matches();
    }
}
