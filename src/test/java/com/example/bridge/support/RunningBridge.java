package com.example.bridge.support;

import com.example.bridge.BridgeApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.main.Main;

/** The bundle started in-process exactly as {@code java -jar} starts it, on free ports, reached over real HTTP. */
public final class RunningBridge implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main main;
    private final int port;
    private final int managementPort;

    private RunningBridge(Main main, int port, int managementPort) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static RunningBridge start(Map<String, String> properties) {
        return start(properties, null);
    }

    /** Starts with a Camel Main profile, as {@code CAMEL_MAIN_PROFILE} does (demo loads application-demo.properties). */
    public static RunningBridge start(Map<String, String> properties, String profile) {
        return start(properties, profile, null);
    }

    /** Starts reading routes/ and application.properties from {@code home}, as {@code BRIDGE_HOME} does. */
    public static RunningBridge startFrom(java.nio.file.Path home, Map<String, String> properties) {
        return start(properties, null, home.toString());
    }

    private static RunningBridge start(Map<String, String> properties, String profile, String home) {
        int port = freePort();
        int managementPort = freePort();
        // Demo mode runs as shipped (no keys); everything else with token keys, as production must.
        Map<String, String> all = new HashMap<>(profile == null ? TestSecurity.defaults() : Map.of());
        all.putAll(properties);
        all.put("camel.server.port", String.valueOf(port));
        all.put("camel.management.port", String.valueOf(managementPort));
        Main main = BridgeApplication.createMain(home);
        main.configure().setProfile(profile);
        all.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("The bridge did not start", e);
        }
        return new RunningBridge(main, port, managementPort);
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    public URI managementUri(String path) {
        return URI.create("http://localhost:" + managementPort + path);
    }

    public HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpClient client() {
        return CLIENT;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The bridge did not stop", e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
