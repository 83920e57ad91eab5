package com.example.bridge.api;

import java.util.List;
import org.apache.camel.Message;

/** Reads a path parameter ({@code {id}}) that a request header or query parameter of the same name cannot shadow. */
public final class PathParameters {

    private PathParameters() {
    }

    /**
     * platform-http puts path parameters into the message headers after the request's headers and query parameters,
     * appending to a same-named one: {@code GET /oneio/messages/abc?id=x} has the header {@code id = [x, abc]}, and
     * the path's value is the last.
     */
    public static String value(Message message, String name) {
        Object value = message.getHeader(name);
        if (value instanceof List<?> values) {
            value = values.isEmpty() ? null : values.get(values.size() - 1);
        }
        return value == null ? null : value.toString();
    }
}
