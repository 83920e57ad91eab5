package com.example.bridge.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders of the tests, removed again: each test run left about 40 of them in the temp folder. */
public final class TempDirectories {

    private TempDirectories() {
    }

    /**
     * A new temporary folder, deleted with what it holds when the test JVM ends: an H2 file may still be open by a
     * bridge until then.
     */
    public static Path createDeletedAtExit(String prefix) throws IOException {
        Path directory = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteRecursively(directory);
            } catch (IOException | RuntimeException e) {
                // the JVM is ending; a folder left in the temp folder harms nothing
            }
        }));
        return directory;
    }

    public static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
