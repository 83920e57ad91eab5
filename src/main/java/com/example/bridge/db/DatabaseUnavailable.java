package com.example.bridge.db;

import java.sql.SQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * Whether a failure means "the database is unavailable, try again later" (api-errors answers 503) rather than a fault
 * of ours (500). Decided here, from the outermost database exception, because an onException clause that lists these
 * classes can lose to the catch-all: Camel tries every exception of the cause chain, innermost first, and the
 * catch-all matched a plain SQLException at the bottom as closely as the clause matched Spring's exception at the top
 * (seen mid PostgreSQL restart: a 500 instead of a 503).
 */
public final class DatabaseUnavailable {

    /** PostgreSQL's lock_timeout, which Spring files under no category. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private DatabaseUnavailable() {
    }

    /**
     * The database refused, dropped or could not lend a connection (down, restarting), or gave up waiting: a
     * statement or lock timeout, a deadlock with another instance's transaction.
     */
    public static boolean matches(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessException databaseFailure) {
                return databaseFailure instanceof DataAccessResourceFailureException
                        || databaseFailure instanceof RecoverableDataAccessException
                        || databaseFailure instanceof TransientDataAccessException
                        || isLockTimeout(databaseFailure);
            }
        }
        return false;
    }

    private static boolean isLockTimeout(DataAccessException failure) {
        if (!(failure instanceof UncategorizedSQLException uncategorized)) {
            return false;
        }
        SQLException cause = uncategorized.getSQLException();
        return cause != null && LOCK_NOT_AVAILABLE.equals(cause.getSQLState());
    }
}
