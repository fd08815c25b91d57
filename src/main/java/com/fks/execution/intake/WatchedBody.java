package com.fks.execution.intake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that remembers whether it has ended, by its end or by a failed read, so the pipeline reads
 * what is left of it only when there is something left to read (a second wait on a stalled client would
 * hold a thread for a second idle timeout).
 */
final class WatchedBody extends FilterInputStream {
    private boolean ended;

    WatchedBody(InputStream in) {
        super(in);
    }

    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        return watch(() -> super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return watch(() -> super.read(b, off, len));
    }

    private int watch(Read read) throws IOException {
        try {
            int n = read.run();
            ended |= n < 0;
            return n;
        } catch (IOException e) {
            ended = true;
            throw e;
        }
    }

    private interface Read {
        int run() throws IOException;
    }
}
