package com.example.bridge.oneio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.example.bridge.oneio.IngestHandOff.Reservation;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class IngestHandOffTest {

    private static final MessageIds IDS = new MessageIds();

    private final IngestHandOff handOff = new IngestHandOff(null, 60, 3);

    @Test
    void holds_two_batches_at_most_counting_the_reservations_of_writes_under_way() {
        Reservation first = handOff.reserve(4);
        Reservation second = handOff.reserve(4);
        assertEquals(4, first.count());
        assertEquals(2, second.count());
        assertEquals(0, handOff.reserve(1).count());
        assertNull(handOff.reserve(1).claim());

        // Of the first reservation only one message was stored: the other three slots are free again.
        handOff.handOver(first, messages(1));
        assertEquals(3, handOff.reserve(5).count());
    }

    @Test
    void a_poll_after_one_that_took_from_here_is_the_database_turn() {
        handOff.handOver(handOff.reserve(6), messages(6));

        Exchange poll = poll();
        assertEquals(3, poll.getVariable("handedOver"));
        assertEquals(3, poll.getMessage().getBody(List.class).size());
        assertEquals(true, poll.getVariable("handOffWaiting"));

        Exchange databaseTurn = poll();
        assertEquals(0, databaseTurn.getVariable("handedOver"));
        assertNull(databaseTurn.getMessage().getBody());
        assertEquals(true, databaseTurn.getVariable("handOffWaiting"));

        Exchange last = poll();
        assertEquals(3, last.getVariable("handedOver"));
        assertEquals(false, last.getVariable("handOffWaiting"));
    }

    @Test
    void a_handed_over_row_is_the_claimed_row_the_delivery_would_have_read_back() {
        Reservation reservation = handOff.reserve(1);
        OutboxMessage message = messages(1).get(0);
        handOff.handOver(reservation, List.of(message));

        Map<?, ?> row = (Map<?, ?>) poll().getMessage().getBody(List.class).get(0);
        assertEquals(message.id(), row.get("id"));
        assertEquals(message.payload(), row.get("payload"));
        assertEquals(0, row.get("attempts"));
        assertEquals(reservation.claim().owner(), row.get("owner"));
        assertEquals(reservation.claim().leaseUntil(), row.get("lease_until"));
        assertEquals(message.receivedAt(), row.get("created_at"));
    }

    private Exchange poll() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        handOff.nextBatch(exchange);
        return exchange;
    }

    private static List<OutboxMessage> messages(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new OutboxMessage(IDS.next(), null, "{\"n\":" + i + "}", OffsetDateTime.now()))
                .toList();
    }
}
