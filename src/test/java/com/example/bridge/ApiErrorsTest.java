package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TempDirectories;
import com.example.bridge.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * api-errors turns a failure into 503 database_unavailable or 500 internal_error by the outermost database exception,
 * whatever its causes are. A test route that joins api-errors throws each failure (ThrownFailures); the answer comes
 * through the bundle's own routes and HTTP server. The database itself plays no part: run on H2 only.
 */
class ApiErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEST_ROUTE = """
            - route:
                id: test-thrown-failure
                routeConfigurationId: api-errors
                from:
                  uri: platform-http:/test/failures/{kind}
                  steps:
                    - bean:
                        beanType: com.example.bridge.support.ThrownFailures
                        method: raise
            """;

    private static Path testRoutes;
    private static RunningBridge bridge;

    @BeforeAll
    static void start() throws IOException {
        assumeFalse(TestDatabase.isPostgres(), "the answers do not depend on the database");
        testRoutes = Files.createTempDirectory("test-routes");
        Files.writeString(testRoutes.resolve("test-thrown-failure.camel.yaml"), TEST_ROUTE);
        Map<String, String> properties = new HashMap<>(TestDatabase.create().bridgeProperties());
        properties.put("camel.main.routesIncludePattern",
                "classpath:routes/*.camel.yaml,file:" + testRoutes + "/*.camel.yaml");
        bridge = RunningBridge.start(properties);
    }

    @AfterAll
    static void stop() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
        if (testRoutes != null) {
            TempDirectories.deleteRecursively(testRoutes);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "unclassified-write,  503, database_unavailable",
            "no-connection,       503, database_unavailable",
            "lock-timeout,        503, database_unavailable",
            "wrapped-outage,      503, database_unavailable",
            "other-uncategorized, 500, internal_error",
            "integrity,           500, internal_error",
            "bug,                 500, internal_error"})
    void a_failure_is_answered_by_its_outermost_database_exception(String kind, int status, String error)
            throws IOException {
        HttpResponse<String> answer = bridge.get("/test/failures/" + kind);

        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(error, body.get("error").asText(), answer.body());
        assertEquals(2, body.size(), "only error and message: " + answer.body());
    }
}
