package com.example.bridge;

import com.example.bridge.db.DatabaseConfiguration;
import com.example.bridge.oneio.OneioConfiguration;
import org.apache.camel.main.Main;

public final class BridgeApplication {

    private BridgeApplication() {
    }

    public static void main(String... args) throws Exception {
        createMain().run(args);
    }

    /** The bundle as Camel Main runs it; tests start the very same thing in-process. */
    public static Main createMain() {
        Main main = new Main();
        main.configure().addConfiguration(DatabaseConfiguration.class);
        main.configure().addConfiguration(OneioConfiguration.class);
        return main;
    }
}
