package spike;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * (a) A journal of our own: segments of [length][CRC32C][payload] records, one writer thread. With
 * groupCommit the writer takes everything that queued while the previous force ran (adaptive group commit:
 * one record per force when idle, hundreds under load); without it, it forces once per record (the anchor).
 */
final class OwnJournal implements Engine {
    static final long SEGMENT_BYTES = 64L << 20;
    private static final int HEADER = 8;
    private static final Pending STOP = new Pending(new byte[0]);

    private final Path dir;
    private final boolean groupCommit;
    private final boolean preallocate;
    private CompletableFuture<FileChannel> nextSegment;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private final CRC32C crc = new CRC32C();
    private final Thread writer;
    private FileChannel segment;
    private long segmentBytes;
    private int segmentIndex;
    private volatile long forces;

    private static final class Pending {
        final byte[] record;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(byte[] record) {
            this.record = record;
        }
    }

    OwnJournal(Path dir, boolean groupCommit, boolean preallocate) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.groupCommit = groupCommit;
        this.preallocate = preallocate;
        try (Stream<Path> files = Files.list(dir)) {
            segmentIndex = (int) files.filter(p -> p.toString().endsWith(".log")).count();
        }
        roll();
        writer = new Thread(this::writeLoop, "journal-writer");
        writer.start();
    }

    @Override
    public void append(byte[] record) throws Exception {
        Pending pending = new Pending(record);
        queue.add(pending);
        pending.done.get();
    }

    @Override
    public long syncs() {
        return forces;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        try {
            while (!stopping) {
                batch.add(queue.take());
                if (groupCommit) {
                    queue.drainTo(batch);
                }
                stopping = batch.remove(STOP);
                for (Pending p : batch) {
                    frame(p.record);
                }
                flushBuffer();
                segment.force(false);
                forces++;
                batch.forEach(p -> p.done.complete(null));
                batch.clear();
            }
        } catch (Throwable t) {
            batch.forEach(p -> p.done.completeExceptionally(t));
            queue.forEach(p -> p.done.completeExceptionally(t));
        }
    }

    private void frame(byte[] record) throws IOException {
        int size = HEADER + record.length;
        if (segmentBytes + size > SEGMENT_BYTES) {
            flushBuffer();
            segment.force(false);
            segment.close();
            roll();
        }
        if (buffer.remaining() < size) {
            flushBuffer();
        }
        crc.reset();
        crc.update(record);
        buffer.putInt(record.length).putInt((int) crc.getValue()).put(record);
        segmentBytes += size;
        if (preallocate && nextSegment == null && segmentBytes > SEGMENT_BYTES / 2) {
            prepareNextSegment();
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            segment.write(buffer);
        }
        buffer.clear();
    }

    private void roll() throws IOException {
        segmentIndex++;
        segmentBytes = 0;
        segment = nextSegment != null ? nextSegment.join() : createSegment(segmentIndex);
        nextSegment = null;
    }

    /** Zero-fills the next segment off the writer thread once this one is half used, so a roll never waits. */
    private void prepareNextSegment() {
        int following = segmentIndex + 1;
        nextSegment = CompletableFuture.supplyAsync(() -> {
            try {
                return createSegment(following);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private FileChannel createSegment(int index) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(String.format("%020d.log", index)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (preallocate) {
            // Blocks written once ahead of use: an fdatasync of an append then carries only data, not the
            // file's size and block map, so it need not wait for a commit of the file system's own journal.
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < SEGMENT_BYTES; at += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    channel.write(zeros, at + zeros.position());
                }
            }
            channel.force(true);
        }
        // A new file's directory entry is durable only once the directory itself is forced.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        return channel;
    }

    @Override
    public void close() throws Exception {
        queue.add(STOP);
        writer.join();
        segment.close();
        if (nextSegment != null) {
            nextSegment.join().close();
        }
    }

    /** Reads every segment back, checking each CRC; stops at the first torn or corrupt record. */
    static long countRecords(Path dir) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        long count = 0;
        CRC32C crc = new CRC32C();
        for (Path path : segments) {
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(path));
            while (data.remaining() >= HEADER) {
                int length = data.getInt();
                int expected = data.getInt();
                if (length == 0 && expected == 0) {
                    break; // the unused, zero-filled rest of a preallocated segment
                }
                if (length < 0 || length > data.remaining()) {
                    return count;
                }
                crc.reset();
                crc.update(data.array(), data.position(), length);
                if ((int) crc.getValue() != expected) {
                    return count;
                }
                data.position(data.position() + length);
                count++;
            }
        }
        return count;
    }
}
