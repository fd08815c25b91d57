package com.fks.execution.order.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal alone: framing, reopening, torn tails, damage, segments, the folder lock. */
final class JournalTest {
    @TempDir
    Path folder;

    @Test
    void shouldReadBackEveryRecordInOrderAfterAReopen() throws IOException {
        // given
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "one", "two", "three");
        }

        // when
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> read.add(text(e)))) {
            // then
            assertThat(read).containsExactly("one", "two", "three");
            assertThat(journal.recovered().tornBytes()).isZero();
            assertThat(journal.end()).isEqualTo(3L * Journal.HEADER + "onetwothree".length());
        }
    }

    @Test
    void shouldReplayOnlyFromTheGivenPosition() throws IOException {
        // given
        long afterFirst;
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "one");
            afterFirst = journal.end();
            appendForced(journal, "two", "three");
        }

        // when
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, afterFirst, e -> read.add(text(e)))) {
            // then
            assertThat(read).containsExactly("two", "three");
            assertThat(journal.recovered().records()).isEqualTo(3);
        }
    }

    @Test
    void shouldCutARecordTornAtTheEndAndKeepEverythingBeforeIt() throws IOException {
        // given three records, the last one cut short as by a crash in the middle of its write
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "one", "two", "a record that was being written");
        }
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(size - 7);
        }

        // when
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> read.add(text(e)))) {
            // then the two whole records are kept, the torn one is cut off and counted, and appends go on after them
            assertThat(read).containsExactly("one", "two");
            assertThat(journal.recovered().tornBytes()).isEqualTo(size - 7 - (2L * Journal.HEADER + 6));
            appendForced(journal, "four");
        }
        List<String> again = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> again.add(text(e)))) {
            assertThat(again).containsExactly("one", "two", "four");
            assertThat(journal.recovered().tornBytes()).isZero();
        }
    }

    @Test
    void shouldCutATailOfZerosLeftByAFileSystemThatExtendedTheFileFirst() throws IOException {
        // given
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "one");
        }
        Files.write(onlySegment(), new byte[4096], java.nio.file.StandardOpenOption.APPEND);

        // when
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> read.add(text(e)))) {
            // then
            assertThat(read).containsExactly("one");
            assertThat(journal.recovered().tornBytes()).isEqualTo(4096);
        }
    }

    @Test
    void shouldRefuseToOpenWhenARecordInTheMiddleIsDamagedAndNameTheFileAndOffset() throws IOException {
        // given three records, one byte of the second one's payload flipped
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "one", "two", "three");
        }
        Path segment = onlySegment();
        long secondOffset = Journal.HEADER + 3;
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(secondOffset + Journal.HEADER + 1);
            file.write('X');
        }

        // when / then: start-up stops with where the damage is; nothing is cut
        assertThatThrownBy(() -> Journal.open(folder, 1 << 20, 0, e -> { }))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("at offset " + secondOffset)
                .hasMessageContaining("checksum");
        assertThat(Files.size(segment)).isEqualTo(3L * Journal.HEADER + "onetwothree".length());
    }

    @Test
    void shouldRefuseDamageInASegmentThatIsNotTheLast() throws IOException {
        // given two segments, the end of the first one cut
        try (Journal journal = Journal.open(folder, 16, 0, e -> { })) {
            appendForced(journal, "first segment");
            assertThat(journal.rollIfFull()).isTrue();
            appendForced(journal, "second segment");
        }
        Path first = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            file.setLength(file.length() - 2);
        }

        // when / then
        assertThatThrownBy(() -> Journal.open(folder, 16, 0, e -> { }))
                .isInstanceOf(JournalCorruptException.class).hasMessageContaining(first.toString());
    }

    @Test
    void shouldRollToANewSegmentAndDeleteOnlyTheSegmentsTheViewHasTaken() throws IOException {
        // given four full segments and an empty active one
        List<Long> ends;
        try (Journal journal = Journal.open(folder, 16, 0, e -> { })) {
            ends = fourFullSegments(journal);
            assertThat(journal.segmentCount()).isEqualTo(5);

            // when the view has taken the first two and part of the third
            int deleted = journal.deleteSegments(ends.get(2) - 1);

            // then the first two go, from the front, and nothing after them
            assertThat(deleted).isEqualTo(2);
            assertThat(journal.start()).isEqualTo(ends.get(1));
            assertThat(journal.deleteSegments(Long.MAX_VALUE)).isEqualTo(2);
            assertThat(journal.segmentCount()).as("the active segment stays").isEqualTo(1);
        }
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 16, 0, e -> read.add(text(e)))) {
            assertThat(read).isEmpty();
            assertThat(journal.end()).isEqualTo(ends.get(3));
        }
    }

    @Test
    void shouldKeepTheNewestSegmentTheViewHasTakenAsAMargin() throws IOException {
        // given four full segments and an empty active one
        try (Journal journal = Journal.open(folder, 16, 0, e -> { })) {
            List<Long> ends = fourFullSegments(journal);
            assertThat(journal.endOfSecondOldestSegment()).isEqualTo(ends.get(1));

            // when the view has taken the first three and part of the fourth
            int deleted = journal.deleteSegmentsKeepingOne(ends.get(3) - 1);

            // then the first two go; the third, the newest the view has whole, stays
            assertThat(deleted).isEqualTo(2);
            assertThat(journal.start()).isEqualTo(ends.get(1));
            assertThat(journal.deleteSegmentsKeepingOne(ends.get(2))).as("the third is the margin").isZero();
        }
    }

    @Test
    void shouldRefuseASecondOpenerOfTheSameFolder() throws IOException {
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            assertThatThrownBy(() -> Journal.open(folder, 1 << 20, 0, e -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another process");
        }
    }

    @Test
    void shouldLeaveNothingOfAGroupThatWasCutBack() throws IOException {
        // given a group written after the last good position, then cut back (its force failed)
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> { })) {
            appendForced(journal, "kept");
            long good = journal.end();
            append(journal, "not acknowledged");
            journal.truncate(good);
            appendForced(journal, "next");
        }

        // when / then
        List<String> read = new ArrayList<>();
        try (Journal journal = Journal.open(folder, 1 << 20, 0, e -> read.add(text(e)))) {
            assertThat(read).containsExactly("kept", "next");
        }
    }

    /** Four records of which each fills a 16-byte segment; returns where each segment ends. */
    private static List<Long> fourFullSegments(Journal journal) throws IOException {
        List<Long> ends = new ArrayList<>();
        for (String record : List.of("segment number one", "segment number two", "segment number three",
                "segment number four")) {
            appendForced(journal, record);
            ends.add(journal.end());
            journal.rollIfFull();
        }
        return ends;
    }

    private static void appendForced(Journal journal, String... records) throws IOException {
        append(journal, records);
        journal.force();
    }

    private static void append(Journal journal, String... records) throws IOException {
        RecordFrames frames = new RecordFrames();
        for (String record : records) {
            frames.begin(record.length()).put(record.getBytes(StandardCharsets.UTF_8));
            frames.end();
        }
        journal.append(frames.frames());
    }

    private static String text(Journal.Entry entry) {
        ByteBuffer payload = entry.payload();
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Path onlySegment() throws IOException {
        List<Path> segments = segments();
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }
}
