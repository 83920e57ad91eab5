package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TestDatabase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BRIDGE_HOME (--home): an engineer edits routes/ and application.properties in a folder and restarts, no rebuild. */
class RoutesFromDiskTest {

    @TempDir
    Path home;

    @Test
    void an_edited_route_and_property_in_the_home_folder_are_used_instead_of_the_packaged_copies() throws IOException {
        Path routes = Files.createDirectories(home.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path route : packaged.toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        Path connectRoute = routes.resolve("oneflow-connect.camel.yaml");
        Files.writeString(connectRoute, Files.readString(connectRoute)
                .replace("resource:classpath:web/connect.html", "Edited on disk: {{oneflow.setup.oauth-link}}")
                .replace("text/html", "text/plain"));
        Files.writeString(home.resolve("application.properties"), Files.readString(Path.of("application.properties"))
                .replace("oneflow.setup.oauth-link =", "oneflow.setup.oauth-link = https://example.com/from-disk"));

        try (RunningBridge bridge = RunningBridge.startFrom(home, TestDatabase.create().bridgeProperties())) {
            HttpResponse<String> page = bridge.get("/oneflow/connect");
            assertEquals(200, page.statusCode());
            assertEquals("Edited on disk: https://example.com/from-disk", page.body());
        }
    }
}
