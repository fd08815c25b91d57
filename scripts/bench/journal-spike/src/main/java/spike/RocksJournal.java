package spike;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/** (b) RocksDB: callers put() concurrently with sync=true; RocksDB forms the write group and syncs its WAL once for it. */
final class RocksJournal implements Engine {
    static {
        RocksDB.loadLibrary();
    }

    // RocksDB's always-on DB stats count WAL syncs, so no Statistics object (which would tax RocksDB alone). They
    // print counts above 10,000 in truncated thousands, but the interval's "writes per sync" (since the previous
    // read) to two decimals: syncs are derived from it and our own count of puts.
    private static final Pattern INTERVAL_WAL = Pattern.compile("Interval WAL: .* ([0-9.]+) writes per sync");
    private final Options options;
    private final WriteOptions sync = new WriteOptions().setSync(true);
    private final RocksDB db;
    private final AtomicLong sequence = new AtomicLong();
    private long putsAtLastRead;
    private double syncsSoFar;

    RocksJournal(Path dir) throws Exception {
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, Files.createDirectories(dir).toString());
    }

    @Override
    public void append(byte[] record) throws Exception {
        byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(sequence.incrementAndGet()).array();
        db.put(sync, key, record);
    }

    @Override
    public synchronized long syncs() throws Exception {
        long puts = sequence.get();
        Matcher m = INTERVAL_WAL.matcher(db.getProperty("rocksdb.dbstats"));
        double writesPerSync = m.find() ? Double.parseDouble(m.group(1)) : 0;
        if (writesPerSync > 0) {
            syncsSoFar += (puts - putsAtLastRead) / writesPerSync;
        }
        putsAtLastRead = puts;
        return Math.round(syncsSoFar);
    }

    @Override
    public void close() {
        db.close();
        sync.close();
        options.close();
    }

    static long countRecords(Path dir) throws Exception {
        long count = 0;
        try (Options options = new Options();
                RocksDB db = RocksDB.openReadOnly(options, dir.toString());
                RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
            }
        }
        return count;
    }
}
