package com.example.bridge;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's scan for {@code classpath:routes/*.camel.yaml} lists a jar by reading it whole through a JarInputStream, which
 * inflates every entry: the runnable jar is 34 MB and Camel Main scans it twice at start (modeline pass, then the
 * routes), about a second of CPU (JFR: Inflater under DefaultPackageScanResourceResolver). A jar on disk is listed
 * from its central directory instead, which names the same entries without reading them. Anything else (a folder,
 * an http: URL) is left to Camel.
 */
final class JarDirectoryResourceResolver extends DefaultPackageScanResourceResolver {

    private static final Logger LOG = LoggerFactory.getLogger(JarDirectoryResourceResolver.class);

    @Override
    protected List<String> doLoadImplementationsInJar(
            String packageName, InputStream stream, String urlPath, Predicate<String> filter) {
        File file = new File(urlPath);
        if (!file.isFile()) {
            return super.doLoadImplementationsInJar(packageName, stream, urlPath, filter);
        }
        IOHelper.close(stream);
        List<String> names = new ArrayList<>();
        try (ZipFile jar = new ZipFile(file)) {
            Enumeration<? extends ZipEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName().trim();
                // The same choice as Camel's: class files only when a filter asks for them.
                boolean accepted = filter != null ? filter.test(name) : !name.endsWith(".class");
                if (!entry.isDirectory() && accepted && name.startsWith(packageName)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list jar file {}: {}", urlPath, e.getMessage(), e);
        }
        return names;
    }
}
