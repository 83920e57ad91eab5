package com.example.bridge.api;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Gives the embedded HTTP server (camel.server.*) the bundle's JSON answers for what it refuses itself. The router
 * that camel-platform-http-vertx binds for the server (VertxPlatformHttpRouter) takes a failure handler for all its
 * paths, and a last route that fails whatever no platform-http route serves with 404.
 */
public class HttpServerConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        // The router is bound when the HTTP server starts; by the time Camel calls its startup listeners it is there.
        camelContext.addStartupListener((context, alreadyStarted) -> context.getRegistry()
                .findByType(VertxPlatformHttpRouter.class).stream()
                .filter(VertxPlatformHttpRouter::isMainServer)
                .forEach(router -> {
                    Long maxBodySize = router.getServer().getMaxBodySize();
                    router.route().failureHandler(new ServerRefusals(maxBodySize == null ? -1 : maxBodySize));
                    router.route().order(Integer.MAX_VALUE).handler(routingContext -> routingContext.fail(404));
                }));
    }
}
