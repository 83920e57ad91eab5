package com.example.bridge;

import com.example.bridge.api.HttpServerConfiguration;
import com.example.bridge.db.DatabaseConfiguration;
import com.example.bridge.metrics.MetricsConfiguration;
import com.example.bridge.oneio.OneioConfiguration;
import com.example.bridge.security.SecurityConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.PackageScanResourceResolver;

public final class BridgeApplication {

    /** Names a folder whose routes/ and application.properties replace the copies packaged in the jar. */
    static final String HOME_FLAG = "--home";
    static final String HOME_VARIABLE = "BRIDGE_HOME";

    private BridgeApplication() {
    }

    public static void main(String... args) throws Exception {
        List<String> camelArgs = new ArrayList<>(List.of(args));
        String home = System.getenv(HOME_VARIABLE);
        int flag = camelArgs.indexOf(HOME_FLAG);
        if (flag >= 0 && flag + 1 < camelArgs.size()) {
            home = camelArgs.get(flag + 1);
            camelArgs.subList(flag, flag + 2).clear();
        }
        createMain(home).run(camelArgs.toArray(String[]::new));
    }

    /** The bundle as Camel Main runs it; tests start the very same thing in-process. */
    public static Main createMain() {
        return createMain(null);
    }

    public static Main createMain(String home) {
        Main main = new Main() {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext context = super.createCamelContext();
                // Before Camel Main looks for routes: it scans for them twice at start.
                JarDirectoryResourceResolver resolver = new JarDirectoryResourceResolver();
                resolver.setCamelContext(context);
                context.getCamelContextExtension().addContextPlugin(PackageScanResourceResolver.class, resolver);
                return context;
            }
        };
        if (home != null && !home.isBlank()) {
            Path folder = Path.of(home).toAbsolutePath().normalize();
            main.setDefaultPropertyPlaceholderLocation("file:" + folder.resolve("application.properties"));
            main.addInitialProperty("bridge.routes-location", "file:" + folder.resolve("routes"));
        }
        main.configure().addConfiguration(MetricsConfiguration.class);
        main.configure().addConfiguration(SecurityConfiguration.class);
        main.configure().addConfiguration(DatabaseConfiguration.class);
        main.configure().addConfiguration(OneioConfiguration.class);
        main.configure().addConfiguration(HttpServerConfiguration.class);
        return main;
    }
}
