import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ONEiO stand-in for benchmarks: POST /oauth2/token (client credentials) and POST /api/v2 (the receiver) answer at
 * once; GET /stats tells how many of each it served, and when (epoch ms) the receiver last got a message: the benchmark
 * times a delivery to that moment, not to the poll of /stats that saw it. Usage: java bench/OneioStandIn.java PORT
 */
public class OneioStandIn {

    public static void main(String[] args) throws Exception {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        AtomicLong tokens = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong lastReceivedMillis = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.createContext("/oauth2/token", exchange -> {
            drain(exchange);
            tokens.incrementAndGet();
            answer(exchange, 200, "{\"access_token\":\"bench-access-token\",\"scope\":\"ROLE_INTEGRATION\","
                    + "\"token_type\":\"Bearer\",\"expires_in\":3599}");
        });
        server.createContext("/api/v2", exchange -> {
            drain(exchange);
            received.incrementAndGet();
            lastReceivedMillis.set(System.currentTimeMillis());
            answer(exchange, 200, "{}");
        });
        server.createContext("/stats", exchange -> answer(exchange, 200,
                "{\"token_requests\":" + tokens.get() + ",\"received\":" + received.get()
                + ",\"last_received_ms\":" + lastReceivedMillis.get() + "}"));
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
