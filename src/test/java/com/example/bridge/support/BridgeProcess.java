package com.example.bridge.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bundle in a JVM of its own, so that a test can SIGKILL it. Its properties are passed as the environment
 * variables an operator would set (upper case, '.' and '-' as '_').
 */
public final class BridgeProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private BridgeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static BridgeProcess start(Map<String, String> properties, Path log) {
        return start(properties, log, "-cp", System.getProperty("java.class.path"), "com.example.bridge.BridgeApplication");
    }

    /** The runnable jar that {@code mvn package} built, started as an operator starts it. */
    public static BridgeProcess startJar(Path jar, Map<String, String> properties, Path log) {
        return start(properties, log, "-jar", jar.toAbsolutePath().toString());
    }

    private static BridgeProcess start(Map<String, String> properties, Path log, String... javaArgs) {
        int port = RunningBridge.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(javaArgs));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(new File(System.getProperty("java.io.tmpdir")));
        TestSecurity.defaults().forEach((key, value) -> builder.environment().put(key.toUpperCase().replaceAll("[.-]", "_"), value));
        properties.forEach((key, value) -> builder.environment().put(key.toUpperCase().replaceAll("[.-]", "_"), value));
        builder.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        builder.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(RunningBridge.freePort()));
        try {
            BridgeProcess bridge = new BridgeProcess(builder.start(), port);
            bridge.awaitServing();
            return bridge;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitServing() {
        HttpRequest probe = HttpRequest.newBuilder(uri("/oneflow/connect")).timeout(Duration.ofSeconds(2)).build();
        Await.until("the bridge process serving on port " + port, Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("The bridge process exited with " + process.exitValue());
            }
            try {
                return RunningBridge.client().send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** POSTs JSON to this process; throws when no answer comes within the timeout (refused, killed, too slow). */
    public HttpResponse<String> postJson(String path, String json, Duration timeout) throws IOException, InterruptedException {
        return RunningBridge.client().send(HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
