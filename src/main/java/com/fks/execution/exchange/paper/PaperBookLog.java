package com.fks.execution.exchange.paper;

import com.fks.execution.order.journal.Journal;
import com.fks.execution.order.journal.RecordFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The embedded book's log of changes: each of the book's transactions appends what it changed in paper_orders,
 * as one record, before it commits; replayed into the H2 file when the book opens.
 *
 * <p>Why: committed straight to its file (H2's WRITE_DELAY=0), each of the book's transactions rewrote the B-tree
 * pages it touched, 6 to 15 KB per order and most of the paper exchange's CPU (docs/benchmarks.md, "The paper book's
 * log"). Now H2 keeps its commits in memory and writes them at its checkpoints, and what a kill -9 must not take
 * is this record of about 200 bytes, written (not forced: as before, a fill reaches the page cache before the venue
 * answers, and the file is forced once a second) before the commit. A transaction whose commit then fails may be
 * in the log and so in the book after a restart: its caller was told the outcome is unknown, as a venue's lost
 * answer leaves it, and looks the order up.
 *
 * <p>Records are framed and checked by the order journal's {@link Journal}: a record torn by a crash is cut off
 * (its commit never happened), damage anywhere else stops the opening. A segment is deleted once a checkpoint
 * of the H2 file holds every record in it ({@link #checkpointed}); what is left is replayed at the next opening,
 * which is harmless: a placed order is written as a whole row (the last image wins), an ended one only if it
 * is still open.
 *
 * <p>The writer's thread stages and appends ({@link WatchedTransactions.Listener}); the forcing thread reads
 * {@link #committedEnd} before a checkpoint and reports it after.
 */
final class PaperBookLog implements WatchedTransactions.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaperBookLog.class);
    /** Small: everything in the active segment is replayed at the next opening. */
    static final long SEGMENT_BYTES = 1024 * 1024;
    static final byte PLACED = 1;
    static final byte ENDED = 2;
    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte DECIMAL = 2;
    private static final byte LONG = 3;

    /** Replays the records into the book: each change in the order it was made. */
    interface Changes {
        void apply(byte kind, Object[] values) throws IOException;
    }

    private final Path folder;
    private final RecordFrames frames = new RecordFrames();
    private Journal journal;
    /** A record of this transaction's changes has been begun. */
    private boolean staging;
    /** Where a failed append began (to cut back before the next), or -1. */
    private long undoTo = -1;
    /** The end of the log after the last transaction that committed, or whose commit failed. */
    private volatile long committedEnd;
    /** Every record before this position is in the H2 file, forced. */
    private volatile long checkpointed;

    PaperBookLog(Path folder) {
        this.folder = folder;
    }

    /**
     * Opens the log, handing every record in it to {@code changes}, oldest first; returns how many changes there
     * were. Call {@link #startAfterReplay} once the book holds them, forced.
     */
    long open(Changes changes) throws IOException {
        long[] count = {0};
        journal = Journal.open(folder, SEGMENT_BYTES, 0, entry -> {
            ByteBuffer payload = entry.payload();
            while (payload.hasRemaining()) {
                byte kind = payload.get();
                changes.apply(kind, decode(payload));
                count[0]++;
            }
        });
        return count[0];
    }

    /** The replayed records are in the book's file, forced: they are dropped, and appends start afresh. */
    void startAfterReplay() throws IOException {
        if (journal.end() > journal.start()) {
            journal.roll();
            journal.deleteSegments(journal.end());
        }
        committedEnd = journal.end();
        checkpointed = journal.end();
    }

    /** Stages an order row as placed (the values of the book's insert, in its column order). */
    void placed(Object[] row) {
        stage(PLACED, encode(row));
    }

    /** Stages an order row as placed, already encoded ({@link #encode}). */
    void placed(byte[] encodedRow) {
        stage(PLACED, encodedRow);
    }

    /** Stages the end of a resting order: {client order id, status, price, filled at}. */
    void ended(Object[] values) {
        stage(ENDED, encode(values));
    }

    private void stage(byte kind, byte[] encoded) {
        if (journal == null) {
            throw new IllegalStateException("the paper book's log is not open");
        }
        if (!staging) {
            frames.begin(256);
            staging = true;
        }
        frames.ensure(1 + encoded.length).put(kind).put(encoded);
    }

    /**
     * Values (String, BigDecimal, Long or null; at most 127) as the log holds them after a change's kind: their
     * count, then each typed. Also how {@link MapPaperBook} keeps an order's row.
     */
    static byte[] encode(Object[] values) {
        int size = 1;
        String[] decimals = null;
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                size += 1;
            } else if (value instanceof Long) {
                size += 9;
            } else if (value instanceof String s) {
                size += 5 + utf8Length(s);
            } else if (value instanceof BigDecimal d) {
                if (decimals == null) {
                    decimals = new String[values.length];
                }
                decimals[i] = d.toString();
                size += 5 + decimals[i].length();
            } else {
                throw new IllegalArgumentException("a paper book value of type " + value.getClass().getName());
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) values.length);
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                out.put(NULL);
            } else if (value instanceof Long l) {
                out.put(LONG).putLong(l);
            } else if (value instanceof String s) {
                putText(out.put(STRING), s);
            } else {
                putText(out.put(DECIMAL), decimals[i]);
            }
        }
        return out.array();
    }

    /** The UTF-8 length of a text, counted without encoding it when it is ASCII (ids, symbols, numbers). */
    private static int utf8Length(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return text.length();
    }

    private static void putText(ByteBuffer out, String text) {
        int length = utf8Length(text);
        out.putInt(length);
        if (length != text.length()) {
            out.put(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < length; i++) {
            out.put((byte) text.charAt(i));
        }
    }

    /** The values {@link #encode} wrote, read from the buffer's position. */
    static Object[] decode(ByteBuffer in) throws IOException {
        Object[] values = new Object[in.get()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(in);
        }
        return values;
    }

    private static Object value(ByteBuffer payload) throws IOException {
        byte type = payload.get();
        switch (type) {
            case NULL:
                return null;
            case LONG:
                return payload.getLong();
            case STRING:
            case DECIMAL:
                byte[] bytes = new byte[payload.getInt()];
                payload.get(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                return type == STRING ? text : new BigDecimal(text);
            default:
                throw new IOException("a paper book log value of unknown type " + type);
        }
    }

    @Override
    public void begins() {
        dropStaged();
    }

    /** Appends the transaction's record; a failure cuts the log back and fails the commit. */
    @Override
    public void beforeCommit() throws IOException {
        if (!staging) {
            return;
        }
        try {
            if (undoTo >= 0) {
                journal.truncate(undoTo);
                undoTo = -1;
            }
            frames.end();
            long start = journal.end();
            try {
                journal.append(frames.frames());
            } catch (IOException e) {
                undoTo = start;
                journal.truncate(start);
                undoTo = -1;
                throw e;
            }
        } finally {
            dropStaged();
        }
    }

    @Override
    public void committed() {
        transactionEnded();
    }

    @Override
    public void outcomeUnknown() {
        // The record (if it was appended) stays: the transaction may have committed.
        transactionEnded();
    }

    @Override
    public void rolledBack() {
        dropStaged();
    }

    private void dropStaged() {
        if (staging) {
            frames.abandon();
            staging = false;
        }
        frames.clear();
    }

    /** Between transactions, on the writer's thread: a full segment is closed, checkpointed ones deleted. */
    private void transactionEnded() {
        dropStaged();
        if (journal == null) {
            return;
        }
        committedEnd = journal.end();
        if (undoTo >= 0) {
            // A failed append is not yet cut back: rolling now would leave its bytes inside a segment that is no
            // longer the last, which the next opening would take for damage.
            return;
        }
        try {
            journal.rollIfFull();
            journal.deleteSegments(checkpointed);
        } catch (IOException e) {
            // Kept, not lost: the next transaction tries again, and the next opening replays what is left.
            log.warn("paper exchange: rolling or deleting its log's segments failed: {}", e.toString());
        }
    }

    /** Read before a checkpoint of the book's file: everything committed up to here will be in it. */
    long committedEnd() {
        return committedEnd;
    }

    /** A checkpoint of the book's file, forced, holds every record before {@code position}. */
    void checkpointed(long position) {
        checkpointed = position;
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }
}
