package com.fks.execution.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The log lines one logger of an in-process service writes, kept for the test to read. The service logs to
 * stdout through an asynchronous appender; this one sits beside it and sees each line as it is written.
 */
public final class CapturedLogs implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        appender.setName("captured-" + source.getSimpleName());
        appender.start();
        logger.addAppender(appender);
    }

    public static CapturedLogs of(Class<?> source) {
        return new CapturedLogs(source);
    }

    public List<ILoggingEvent> events() {
        // AppenderBase.doAppend adds under the appender's own lock.
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Lines at ERROR, rendered as "message (exception)" for an assertion message. */
    public List<String> errors() {
        return events().stream().filter(e -> e.getLevel() == Level.ERROR)
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")"))
                .toList();
    }

    /** Whether a line about this order (its MDC order_id) contains this text. */
    public boolean anyAbout(String orderId, String text) {
        return events().stream().anyMatch(e -> orderId.equals(e.getMDCPropertyMap().get("order_id"))
                && e.getFormattedMessage().contains(text));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
