package com.example.bridge.db;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness: DOWN while H2's storage engine keeps failing, so that Kubernetes restarts the process. H2 2.3.232 can
 * lose track of a page in its running process under a long, heavy load ("MVStoreException: Chunk 4101 not found",
 * seen after about two minutes at several thousand messages a second; an open H2 bug, h2database issues 4382 and
 * 4383). Every delivery poll then failed, for twenty minutes until the process was stopped, while the file itself
 * was intact: reopened, it held every accepted message. A restart is the cure, unlike for a database outage
 * ({@link DatabaseHealthCheck}).
 */
public class StorageEngineHealthCheck extends AbstractHealthCheck {

    static final String H2_STORAGE_FAILURE = "org.h2.mvstore.MVStoreException";
    static final long WINDOW_MILLIS = 30_000;
    /** A delivery poll repeats every oneio.delivery.poll-ms (100 ms) while failing: one stray failure is not enough. */
    static final int FAILURES_TO_GO_DOWN = 10;

    private final Clock clock;
    private final Deque<Long> failures = new ArrayDeque<>();

    public StorageEngineHealthCheck(Clock clock) {
        super("bridge", "storage-engine");
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    /** Called with any failure of a database call: only H2 storage-engine failures are counted. */
    public void record(@ExchangeProperty("CamelExceptionCaught") Throwable failure) {
        if (!isStorageFailure(failure)) {
            return;
        }
        synchronized (failures) {
            failures.addLast(clock.millis());
            forgetOld();
        }
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        int recent;
        synchronized (failures) {
            forgetOld();
            recent = failures.size();
        }
        if (recent >= FAILURES_TO_GO_DOWN) {
            // Only the last FAILURES_TO_GO_DOWN are kept, so this is a lower bound.
            builder.message("At least " + recent + " H2 storage-engine failures in the last " + WINDOW_MILLIS / 1000
                    + " s; a restart reopens the database from its file").down();
        } else {
            builder.up();
        }
    }

    private void forgetOld() {
        long oldest = clock.millis() - WINDOW_MILLIS;
        while (!failures.isEmpty() && failures.peekFirst() < oldest) {
            failures.removeFirst();
        }
        while (failures.size() > FAILURES_TO_GO_DOWN) {
            failures.removeFirst();
        }
    }

    private static boolean isStorageFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getName().equals(H2_STORAGE_FAILURE)) {
                return true;
            }
        }
        return false;
    }
}
