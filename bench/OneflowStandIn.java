import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A Oneflow stand-in for benchmarks: GET /v1/accounts/me answers at once, the account id being the number
 * inside the token ("bench-" and 34 digits). Usage: java bench/OneflowStandIn.java PORT
 */
public class OneflowStandIn {

    public static void main(String[] args) throws Exception {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.createContext("/v1/accounts/me", exchange -> {
            String token = exchange.getRequestHeaders().getFirst("x-oneflow-api-token");
            byte[] body = ("{\"id\":" + Long.parseLong(token.substring(6)) + ",\"name\":\"Bench AB\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }
}
