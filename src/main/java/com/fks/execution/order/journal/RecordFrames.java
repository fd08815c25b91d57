package com.fks.execution.order.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Frames records for {@link Journal#append}: {@code [length][CRC-32C][payload]} each, into one growing buffer
 * reused from group to group, so a group of records is one write.
 */
public final class RecordFrames {
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int recordStart = -1;

    /** Starts a record; write its payload into {@link #payload()}, then call {@link #end()}. */
    public ByteBuffer begin(int expectedPayload) {
        ensure(Journal.HEADER + expectedPayload);
        recordStart = buffer.position();
        buffer.position(recordStart + Journal.HEADER);
        return buffer;
    }

    /** Room for at least {@code bytes} more in the current record. */
    public ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            int needed = buffer.position() + bytes;
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, needed));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        return buffer;
    }

    public ByteBuffer payload() {
        return buffer;
    }

    /** Closes the record started last: writes its length and checksum in front of it. */
    public void end() {
        int length = buffer.position() - recordStart - Journal.HEADER;
        if (length <= 0 || length > Journal.MAX_RECORD) {
            throw new IllegalStateException("record of " + length + " bytes");
        }
        crc.reset();
        crc.update(buffer.array(), recordStart + Journal.HEADER, length);
        buffer.putInt(recordStart, length);
        buffer.putInt(recordStart + 4, (int) crc.getValue());
        recordStart = -1;
    }

    /** Drops a record begun but not ended (its event was refused while being written). */
    public void abandon() {
        if (recordStart >= 0) {
            buffer.position(recordStart);
            recordStart = -1;
        }
    }

    /** Position in the group where the next record starts. */
    public int size() {
        return buffer.position();
    }

    /** The group's frames, ready to append. */
    public ByteBuffer frames() {
        ByteBuffer view = buffer.duplicate();
        view.flip();
        return view;
    }

    public void clear() {
        buffer.clear();
        if (buffer.capacity() > 4 * 1024 * 1024) {
            buffer = ByteBuffer.allocate(64 * 1024); // a burst's buffer is not kept for ever
        }
    }
}
