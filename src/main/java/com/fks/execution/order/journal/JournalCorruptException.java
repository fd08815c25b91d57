package com.fks.execution.order.journal;

import java.nio.file.Path;

/** The journal is damaged somewhere other than a torn tail: opening stops rather than lose what follows. */
public final class JournalCorruptException extends RuntimeException {
    public JournalCorruptException(Path file, long offset, String what) {
        super("journal damaged: " + what + " in " + file + " at offset " + offset
                + "; start-up stops so that nothing after it is lost (restore the file or move it aside to "
                + "accept the loss)");
    }
}
