import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * A baseline for bench/oneio-bench.sh: the bundle's HTTP stack (Camel's platform-http on Vert.x in, camel-http out)
 * relaying messages to the receiver with nothing stored. POST /oneio/messages answers 202 once the message is in a
 * queue in memory; CONCURRENCY consumers POST it on with a fixed bearer token. No API key, no JSON check, no database,
 * no claim and no recorded outcome: what is left of the bridge's work when durability is taken away. A full queue
 * blocks the ingest. Runs on the bundle's jar (its classes unpacked): java -cp bundle.jar bench/MemoryRelay.java
 * Usage: java -cp bundle.jar bench/MemoryRelay.java PORT RECEIVER-URL CONCURRENCY QUEUE-SIZE
 */
public class MemoryRelay {

    public static void main(String[] args) throws Exception {
        String port = args[0];
        String receiverUrl = args[1];
        String concurrency = args[2];
        String queueSize = args[3];
        Main main = new Main();
        // Not the bundle's application.properties (on the same class path): its beans need a database.
        main.setDefaultPropertyPlaceholderLocation("false");
        main.addInitialProperty("camel.server.enabled", "true");
        main.addInitialProperty("camel.server.host", "127.0.0.1");
        main.addInitialProperty("camel.server.port", port);
        main.addInitialProperty("camel.main.jmxEnabled", "false");
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/oneio/messages?httpMethodRestrict=POST")
                        .convertBodyTo(String.class)
                        .removeHeaders("*")
                        .to("seda:relay?size=" + queueSize + "&blockWhenFull=true&waitForTaskToComplete=Never")
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                        .setBody(constant("{\"status\":\"queued\"}"));
                from("seda:relay?size=" + queueSize + "&concurrentConsumers=" + concurrency)
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                        .setHeader("Authorization", constant("Bearer bench-access-token"))
                        .to(receiverUrl + "?httpMethod=POST");
            }
        });
        main.run();
    }
}
