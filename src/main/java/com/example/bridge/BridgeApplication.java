package com.example.bridge;

import com.example.bridge.db.DatabaseConfiguration;
import org.apache.camel.main.Main;

public final class BridgeApplication {

    private BridgeApplication() {
    }

    public static void main(String... args) throws Exception {
        Main main = new Main(BridgeApplication.class, DatabaseConfiguration.class);
        main.run(args);
    }
}
