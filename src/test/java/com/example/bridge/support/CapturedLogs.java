package com.example.bridge.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Every log line the JVM writes while it is attached, with its stack trace, for tests that look for secrets. */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private final List<String> linesWithLoggers = new CopyOnWriteArrayList<>();

    private final List<String> errors = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
        super("captured-logs", null, null, true, Property.EMPTY_ARRAY);
    }

    public static CapturedLogs attach() {
        CapturedLogs appender = new CapturedLogs();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getRootLogger().addAppender(appender);
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
        String lineWithLogger = event.getLoggerName() + ": " + line;
        linesWithLoggers.add(lineWithLogger);
        if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
            errors.add(lineWithLogger);
        }
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines as {@code logger-name: message}. */
    public List<String> linesWithLoggers() {
        return List.copyOf(linesWithLoggers);
    }

    /** Lines logged at ERROR or FATAL, as {@code logger-name: message}. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getRootLogger().removeAppender(this);
        stop();
    }
}
