package com.example.bridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what the embedded HTTP server refuses before a route has the request (a body over camel.server.maxBodySize,
 * a form it cannot decode, a path no route serves) the way the routes answer: JSON {"error", "message"}. Without it
 * Vert.x answers in plain text or HTML, with no Content-Type or with text/html.
 */
public final class ServerRefusals implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRefusals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long maxBodyBytes;

    public ServerRefusals(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            // The client went away (platform-http fails the request with HttpClosedException): nobody to answer.
            return;
        }
        if (response.headWritten()) {
            // A route's answer broke off: nothing sensible can follow the part already sent.
            response.close();
            return;
        }
        ApiException refusal = refusal(context.statusCode());
        if (refusal.getStatus() >= 500) {
            LOG.error("HTTP server answered {} {}: {}", refusal.getStatus(), refusal.getCode(),
                    context.failure() == null ? "no exception" : context.failure().getClass().getName());
        } else {
            LOG.info("HTTP server answered {} {}", refusal.getStatus(), refusal.getCode());
        }
        response.headers().clear();
        if (!context.request().isEnded() && context.request().version() != HttpVersion.HTTP_2) {
            // The rest of the body will not be read: an HTTP/1.1 client must not send its next request on this connection.
            response.putHeader("Connection", "close");
        }
        response.setStatusCode(refusal.getStatus()).putHeader("Content-Type", "application/json").end(json(refusal));
    }

    private ApiException refusal(int status) {
        return switch (status) {
            // Vert.x fails a request with 400 only when it cannot decode a form: malformed, or a field over 8 KiB.
            case 400 -> ApiException.invalidRequest("The form could not be read: malformed, or a field over 8 KiB");
            case 404 -> new NotFoundException("No such resource");
            case 413 -> ApiException.tooLarge(maxBodyBytes);
            default -> status >= 400 && status < 500
                    ? new ApiException(status, "invalid_request", "The request could not be read")
                    : new ApiException(500, "internal_error", "The request could not be processed; try again later");
        };
    }

    private static String json(ApiException refusal) {
        try {
            return JSON.writeValueAsString(refusal.getBody());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
