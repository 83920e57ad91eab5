package com.example.bridge.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bridge.support.Await;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2FileCompactionTest {

    @TempDir
    Path folder;

    @Test
    void takes_over_only_for_h2_files_whose_url_leaves_compaction_to_it() {
        assertTrue(H2FileCompaction.takesOver("jdbc:h2:file:./data/bridge"));
        assertTrue(H2FileCompaction.takesOver("jdbc:h2:./data/bridge;AUTO_SERVER=TRUE"));
        assertFalse(H2FileCompaction.takesOver("jdbc:h2:file:./data/bridge;AUTO_COMPACT_FILL_RATE=90"));
        assertFalse(H2FileCompaction.takesOver("jdbc:h2:mem:bridge"));
        assertFalse(H2FileCompaction.takesOver("jdbc:h2:tcp://db/bridge"));
        assertFalse(H2FileCompaction.takesOver("jdbc:postgresql://db:5432/bridge"));
    }

    @Test
    void rewrites_the_sparse_chunks_that_h2_no_longer_compacts() throws Exception {
        // RETENTION_TIME=0: H2 rewrites a chunk only once it is older than that (45 s by default).
        String url = "jdbc:h2:file:" + folder.resolve("compaction") + ";RETENTION_TIME=0";
        try (HikariDataSource dataSource = new DatabaseConfiguration().dataSource(url, "sa", "", 2, 5000)) {
            FileStore<?> file = fileStore(dataSource);
            leaveSparseChunks(dataSource);
            int sparse = file.getChunksFillRate();
            assertTrue(sparse < H2FileCompaction.TARGET_FILL_RATE, "chunks " + sparse + "% full before the compaction");

            CamelContext camelContext = new DefaultCamelContext();
            camelContext.start();
            H2FileCompaction compaction = new H2FileCompaction(camelContext, dataSource);
            try {
                compaction.start();
                Await.until("chunks at least " + H2FileCompaction.TARGET_FILL_RATE + "% full (" + sparse + "% before)",
                        Duration.ofSeconds(30), () -> file.getChunksFillRate() >= H2FileCompaction.TARGET_FILL_RATE);
            } finally {
                compaction.stop();
                camelContext.stop();
            }
        }
    }

    private static FileStore<?> fileStore(HikariDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            return session.getDatabase().getStore().getMvStore().getFileStore();
        }
    }

    /** Rows written in batches, one chunk each, then most of them deleted: what the outbox retention leaves. */
    private static void leaveSparseChunks(HikariDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE garbage (id INT PRIMARY KEY, filler VARCHAR(400))");
            for (int batch = 0; batch < 10; batch++) {
                statement.execute("INSERT INTO garbage SELECT X, REPEAT('x', 400) FROM SYSTEM_RANGE("
                        + (batch * 1000 + 1) + ", " + (batch * 1000 + 1000) + ")");
                statement.execute("CHECKPOINT");
            }
            statement.execute("DELETE FROM garbage WHERE MOD(id / 100, 10) >= 2");
            statement.execute("CHECKPOINT");
        }
    }
}
