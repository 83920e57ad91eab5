package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes found in a jar by listing its central directory are the ones Camel's own scan finds. */
class JarDirectoryResourceResolverTest {

    @TempDir
    Path folder;

    @Test
    void finds_the_same_routes_in_a_jar_as_camels_scan_and_reads_them() throws Exception {
        Path jar = folder.resolve("bundle.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[] {"scanned/", "scanned/a.camel.yaml", "scanned/b.camel.yaml", "scanned/notes.txt",
                    "scanned/sub/c.camel.yaml", "scanned/D.class", "demo/e.camel.yaml", "other/scanned/f.camel.yaml"}) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write(("content of " + name).getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                CamelContext context = new DefaultCamelContext()) {
            JarDirectoryResourceResolver ours = new JarDirectoryResourceResolver();
            ours.setCamelContext(context);
            ours.addClassLoader(loader);
            DefaultPackageScanResourceResolver camels = new DefaultPackageScanResourceResolver();
            camels.setCamelContext(context);
            camels.addClassLoader(loader);

            for (String pattern : new String[] {"classpath:scanned/*.camel.yaml", "classpath:scanned/**/*.camel.yaml",
                    "classpath:demo/*.camel.yaml", "classpath:scanned/*"}) {
                assertEquals(locations(camels.findResources(pattern)), locations(ours.findResources(pattern)), pattern);
            }
            Collection<Resource> found = ours.findResources("classpath:scanned/*.camel.yaml");
            assertEquals(2, found.size());
            for (Resource resource : found) {
                try (InputStream in = resource.getInputStream()) {
                    String name = resource.getLocation().substring(resource.getLocation().indexOf("scanned/"));
                    assertEquals("content of " + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static Set<String> locations(Collection<Resource> resources) {
        Set<String> locations = new TreeSet<>();
        resources.forEach(resource -> locations.add(resource.getLocation()));
        return locations;
    }
}
