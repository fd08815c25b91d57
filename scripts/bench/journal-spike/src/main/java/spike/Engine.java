package spike;

/** What the spike compares: an append that returns only once the record is on disk (forced). */
interface Engine extends AutoCloseable {
    void append(byte[] record) throws Exception;

    /** Syncs to disk the engine reports having made so far, or -1 when it cannot tell. */
    long syncs() throws Exception;
}
