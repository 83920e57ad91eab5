import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs COUNT small JSON messages to URL with CONNECTIONS parallel java.net.http senders and prints
 * "sent=<n> non2xx=<n> seconds=<s>". With WARMUP, that many are posted first, untimed, so that the timed ones run
 * JIT-compiled like the warmed-up bundle they are compared with. With PASSES, COUNT messages are posted that many
 * times and the median pass's seconds are printed: single passes of this client scattered by a factor of 1.7.
 * Usage: java bench/PostMessages.java URL COUNT CONNECTIONS [bearer-token] [warmup] [passes]
 */
public class PostMessages {

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int count = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        String bearer = args.length > 3 ? args[3] : null;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        if (warmup > 0) {
            post(client, url, warmup, connections, bearer);
        }
        int passes = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        double[] seconds = new double[passes];
        long failed = 0;
        for (int pass = 0; pass < passes; pass++) {
            long start = System.nanoTime();
            failed += post(client, url, count, connections, bearer);
            seconds[pass] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        double median = passes % 2 == 1 ? seconds[passes / 2] : (seconds[passes / 2 - 1] + seconds[passes / 2]) / 2;
        System.out.printf("sent=%d non2xx=%d seconds=%.3f%n", (long) count * passes, failed, median);
    }

    private static long post(HttpClient client, URI url, int count, int connections, String bearer) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            senders.submit(() -> {
                for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"bench-" + n + "\",\"n\":" + n + "}"));
                    if (bearer != null) {
                        request.header("Authorization", "Bearer " + bearer);
                    }
                    try {
                        int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status < 200 || status > 299) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(1, TimeUnit.HOURS);
        return failed.get();
    }
}
