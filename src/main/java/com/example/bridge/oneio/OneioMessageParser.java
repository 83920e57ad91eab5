package com.example.bridge.oneio;

import com.example.bridge.api.ApiException;
import com.example.bridge.api.MediaTypes;
import com.example.bridge.api.NotFoundException;
import com.example.bridge.api.PathParameters;
import com.example.bridge.security.Sha256;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.apache.camel.Message;
import org.apache.camel.Variable;

/**
 * Checks a message posted for ONEiO and makes it the {@link OutboxMessage} to store, payload unchanged; refusals are
 * 4xx {@link ApiException}s. One call for the whole message, from a bean step: the route used to build it with five
 * method expressions, each of which copied the whole exchange.
 */
public class OneioMessageParser {

    /** oneio_outbox.payload's size; a body's UTF-8 bytes are never fewer than its characters. */
    static final int MAX_PAYLOAD_CHARACTERS = 1_048_576;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final ObjectMapper mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private final long maxBodyBytes;
    private final MessageIds messageIds = new MessageIds();

    /**
     * {@code maxBodyBytes} may not exceed what oneio_outbox.payload holds (1,048,576 characters, schema.sql): above it,
     * a large message passed this check, its INSERT failed, and it and the messages of its group commit got a 500.
     */
    public OneioMessageParser(long maxBodyBytes) {
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_PAYLOAD_CHARACTERS) {
            throw new IllegalArgumentException("oneio.ingest.max-body-bytes must be between 1 and "
                    + MAX_PAYLOAD_CHARACTERS + " (what the outbox's payload column holds), not " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code sender} is the name of the sender's API key (ApiKeys.requireSender). */
    public OutboxMessage message(Message message, @Variable("sender") String sender) {
        String payload = payload(message);
        String idempotencyKey = idempotencyKey(message, sender);
        return new OutboxMessage(messageIds.next(), idempotencyKey, payload, OffsetDateTime.now(ZoneOffset.UTC));
    }

    private String payload(Message message) {
        if (!MediaTypes.isJson(message.getHeader("Content-Type", String.class))) {
            throw ApiException.unsupportedMediaType("Send the message as Content-Type: application/json");
        }
        byte[] body = message.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw ApiException.invalidJson();
        }
        if (body.length > maxBodyBytes) {
            throw ApiException.tooLarge(maxBodyBytes);
        }
        String text = strictUtf8(body);
        requireObjectOrArray(text);
        return text;
    }

    /** The {id} of /oneio/messages/{id} and /oneio/messages/{id}/retry, never a query parameter called id. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public String messageId(Message message) {
        String id = PathParameters.value(message, "id");
        // Ids are the UUIDs of our 202s: anything else cannot exist, and must not reach SQL (PostgreSQL refuses a NUL).
        if (id == null || !MESSAGE_ID.matcher(id).matches()) {
            throw new NotFoundException("No such message");
        }
        return id;
    }

    /**
     * The optional Idempotency-Key header (printable ASCII, at most 255 characters), as stored: the sender's name and
     * the key's SHA-256. A key holds per sender: stored as sent, one sender's key answered another sender's message
     * with the first one's id, and that message was never stored. Hashed so that name and key fit the column.
     */
    private static String idempotencyKey(Message message, String sender) {
        String key = message.getHeader("Idempotency-Key", String.class);
        if (key == null) {
            return null;
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiException.invalidRequest("Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        return sender + ":" + Sha256.hex(key);
    }


    private static String strictUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(400, "invalid_json", "The request body is not valid UTF-8");
        }
    }

    private void requireObjectOrArray(String text) {
        try (JsonParser parser = mapper.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw ApiException.invalidRequest("The message must be a JSON object or array");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw ApiException.invalidJson();
            }
        } catch (IOException e) {
            throw ApiException.invalidJson();
        }
    }
}
