package com.fks.execution.order.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only log of records in segment files, and nothing else: it knows bytes, not orders.
 *
 * <p>A record is framed as {@code [payload length: int][CRC-32C of the payload: int][payload]}. A position is
 * a byte offset across the whole log; each segment is named by the position of its first byte, so a position
 * names one segment and an offset in it. Appends are not durable until {@link #force} returns: the caller
 * (one writer thread) appends a group of records, forces once, and only then tells anyone they are stored.
 *
 * <p>Opening scans every segment. A record cut short at the end of the last segment (a crash mid-write) is
 * cut off and counted; any other damage stops the opening with the file and offset named, since what follows
 * it would otherwise be lost without a word. The folder is locked, so a second process cannot append to it.
 *
 * <p>Not thread-safe: one thread appends, forces, rolls and deletes.
 */
public final class Journal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    static final int HEADER = 8;
    /** Larger than any record the store writes (an alert body is at most 500 kB): a bigger length is damage. */
    static final int MAX_RECORD = 4 * 1024 * 1024;
    private static final String SUFFIX = ".log";

    /** One record read back, with the position just past it. */
    public record Entry(long position, long end, ByteBuffer payload) {
    }

    /** What opening found: records kept, and bytes cut off a torn tail. */
    public record Recovered(long records, long tornBytes, long end) {
    }

    private final Path folder;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Segment start position → file, oldest first. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private FileChannel active;
    private long activeBase;
    private long end;
    private Recovered recovered;

    private Journal(Path folder, long segmentBytes, FileChannel lockChannel, FileLock lock) {
        this.folder = folder;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the journal in {@code folder}, checking every record and handing each one, from
     * {@code from} on, to {@code replay} in order.
     *
     * @throws JournalCorruptException damage other than a torn tail
     * @throws IOException             the folder cannot be locked, read or written
     */
    public static Journal open(Path folder, long segmentBytes, long from, RecordConsumer replay) throws IOException {
        Files.createDirectories(folder);
        FileChannel lockChannel = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the journal in " + folder + " is in use by another process");
        }
        Journal journal = new Journal(folder, segmentBytes, lockChannel, lock);
        try {
            journal.recover(from, replay);
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    /** Receives the records read back at opening. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(Entry entry) throws IOException;
    }

    private void recover(long from, RecordConsumer replay) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .forEach(p -> segments.put(baseOf(p), p));
        }
        long records = 0;
        long torn = 0;
        long position = segments.isEmpty() ? 0 : segments.firstKey();
        List<Long> bases = new ArrayList<>(segments.keySet());
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            if (base != position) {
                throw new JournalCorruptException(segments.get(base), 0, "segment starts at " + base
                        + " but the one before it ends at " + position + " (a segment is missing or was cut)");
            }
            Scan scan = scan(segments.get(base), base, last, from, replay);
            records += scan.records;
            torn += scan.tornBytes;
            position = base + scan.validBytes;
        }
        if (segments.isEmpty()) {
            startSegment(0);
        } else {
            activeBase = segments.lastKey();
            active = FileChannel.open(segments.get(activeBase), StandardOpenOption.WRITE, StandardOpenOption.READ);
            end = position;
            if (active.size() > end - activeBase) {
                active.truncate(end - activeBase);
                active.force(true);
            }
        }
        recovered = new Recovered(records, torn, end);
        if (torn > 0) {
            log.warn("journal {}: cut {} bytes of a record torn at the end of the log (a crash while writing it); "
                    + "{} records before it kept", folder, torn, records);
        }
    }

    private record Scan(long records, long validBytes, long tornBytes) {
    }

    private static Scan scan(Path file, long base, boolean last, long from, RecordConsumer replay) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        long records = 0;
        int offset = 0;
        while (offset < bytes.length) {
            String damage = null;
            int length = -1;
            if (bytes.length - offset < HEADER) {
                damage = "a record header cut short";
            } else {
                length = buffer.getInt(offset);
                if (length <= 0 || length > MAX_RECORD) {
                    damage = "a record length of " + length;
                } else if (bytes.length - offset - HEADER < length) {
                    damage = "a record of " + length + " bytes cut short";
                } else {
                    crc.reset();
                    crc.update(bytes, offset + HEADER, length);
                    if ((int) crc.getValue() != buffer.getInt(offset + 4)) {
                        damage = "a record whose checksum does not match";
                    }
                }
            }
            if (damage != null) {
                if (last && isTail(bytes, offset, length)) {
                    return new Scan(records, offset, bytes.length - offset);
                }
                throw new JournalCorruptException(file, offset, damage + (last ? " with records after it"
                        : " in a segment that is not the last"));
            }
            long position = base + offset;
            long next = position + HEADER + length;
            if (position >= from) {
                replay.accept(new Entry(position, next,
                        ByteBuffer.wrap(bytes, offset + HEADER, length).slice().asReadOnlyBuffer()));
            }
            records++;
            offset += HEADER + length;
        }
        return new Scan(records, offset, 0);
    }

    /**
     * A damaged record is a torn tail when it is the last thing in the file: its header is cut short, it claims
     * to run to or past the end, or nothing but zeros follows where it starts or ends (a file system may
     * extend a file before the data reaches it).
     */
    private static boolean isTail(byte[] bytes, int offset, int length) {
        if (bytes.length - offset < HEADER) {
            return true;
        }
        if (length <= 0 || length > MAX_RECORD) {
            return allZero(bytes, offset, bytes.length);
        }
        long claimedEnd = offset + HEADER + (long) length;
        return claimedEnd >= bytes.length || allZero(bytes, (int) claimedEnd, bytes.length);
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = Math.max(0, from); i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long baseOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            throw new JournalCorruptException(file, 0, "a segment name that is not a position");
        }
    }

    private static String nameOf(long base) {
        return String.format(Locale.ROOT, "%020d%s", base, SUFFIX);
    }

    private void startSegment(long base) throws IOException {
        Path file = folder.resolve(nameOf(base));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        channel.truncate(0);
        // The new file's name must be durable before records in it are reported stored.
        forceFolder();
        if (active != null) {
            active.close();
        }
        active = channel;
        activeBase = base;
        end = base;
        segments.put(base, file);
    }

    private void forceFolder() throws IOException {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    public Recovered recovered() {
        return recovered;
    }

    /** Position just past the last record appended. */
    public long end() {
        return end;
    }

    /** Position of the oldest byte still kept. */
    public long start() {
        return segments.firstKey();
    }

    /** Where the second-oldest segment ends (Long.MAX_VALUE while there are fewer than three). */
    public long endOfSecondOldestSegment() {
        Long second = segments.higherKey(segments.firstKey());
        Long third = second == null ? null : segments.higherKey(second);
        return third == null ? Long.MAX_VALUE : third;
    }

    /**
     * Deletes the segments that end at or before {@code projected}, except the newest of them: one whole segment
     * behind the position is kept as a margin (see JournalOrderStore's compaction).
     */
    public int deleteSegmentsKeepingOne(long projected) throws IOException {
        Long newestEnd = segments.floorKey(projected);
        Long keptStart = newestEnd == null ? null : segments.lowerKey(newestEnd);
        return keptStart == null ? 0 : deleteSegments(keptStart);
    }

    /**
     * Appends framed records (see {@link RecordFrames}) at the end; durable only after {@link #force}. On a
     * failure the end stays where it was: the caller truncates back with {@link #truncate} before writing again.
     */
    public void append(ByteBuffer frames) throws IOException {
        long at = end - activeBase;
        while (frames.hasRemaining()) {
            at += active.write(frames, at);
        }
        end = activeBase + at;
    }

    /** Makes everything appended so far durable (fdatasync). */
    public void force() throws IOException {
        active.force(false);
    }

    /** Cuts the active segment back to {@code position} (undoing a group whose write or force failed). */
    public void truncate(long position) throws IOException {
        if (position < activeBase) {
            throw new IllegalArgumentException("cannot truncate into an earlier segment");
        }
        active.truncate(position - activeBase);
        active.force(true);
        end = position;
    }

    /** Starts a new segment once the active one is full. Call after a force, between groups. */
    public boolean rollIfFull() throws IOException {
        if (end - activeBase < segmentBytes) {
            return false;
        }
        roll();
        return true;
    }

    /** Starts a new segment now (its predecessor forced first), so that every record so far can be deleted. */
    public void roll() throws IOException {
        active.force(true);
        startSegment(end);
    }

    /** Deletes every segment that ends at or before {@code projected}, never the active one; returns how many. */
    public int deleteSegments(long projected) throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            long base = segments.firstKey();
            if (segments.higherKey(base) > projected) {
                break;
            }
            try {
                Files.delete(segments.get(base));
            } catch (NoSuchFileException ignored) {
                // already gone
            }
            segments.remove(base);
            deleted++;
        }
        if (deleted > 0) {
            forceFolder();
        }
        return deleted;
    }

    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() {
        try {
            if (active != null) {
                active.close();
            }
        } catch (IOException e) {
            log.warn("journal {}: closing the active segment failed: {}", folder, e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
