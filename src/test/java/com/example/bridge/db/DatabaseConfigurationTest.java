package com.example.bridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class DatabaseConfigurationTest {

    @Test
    void an_h2_url_gets_no_exit_hook_no_plan_cache_and_no_compaction_of_h2s_own() {
        assertEquals("jdbc:h2:file:./data/bridge;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=0;AUTO_COMPACT_FILL_RATE=0",
                DatabaseConfiguration.withH2Options("jdbc:h2:file:./data/bridge"));
    }

    @Test
    void options_the_url_sets_itself_are_kept() {
        assertEquals("jdbc:h2:file:./x;QUERY_CACHE_SIZE=8;AUTO_COMPACT_FILL_RATE=90;DB_CLOSE_ON_EXIT=FALSE",
                DatabaseConfiguration.withH2Options("jdbc:h2:file:./x;QUERY_CACHE_SIZE=8;AUTO_COMPACT_FILL_RATE=90"));
        assertEquals("jdbc:h2:file:./x;AUTO_SERVER=TRUE;QUERY_CACHE_SIZE=0;AUTO_COMPACT_FILL_RATE=0",
                DatabaseConfiguration.withH2Options("jdbc:h2:file:./x;AUTO_SERVER=TRUE"));
    }

    @Test
    void other_databases_urls_are_left_alone() {
        assertEquals("jdbc:postgresql://db:5432/bridge", DatabaseConfiguration.withH2Options("jdbc:postgresql://db:5432/bridge"));
    }

    @Test
    void the_pools_h2_connections_plan_every_statement_afresh() throws Exception {
        try (HikariDataSource dataSource = new DatabaseConfiguration().dataSource("jdbc:h2:mem:database-configuration-test",
                "sa", "", 2, 5000);
                Connection connection = dataSource.getConnection();
                ResultSet setting = connection.createStatement().executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_CACHE_SIZE'")) {
            setting.next();
            assertEquals("0", setting.getString(1));
        }
    }
}
