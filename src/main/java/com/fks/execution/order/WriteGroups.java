package com.fks.execution.order;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every group-committing writer does the same way: one thread takes whatever is waiting as a group, and
 * each caller waits for its own result, bounded, with every failure answered as the store being unavailable.
 */
public final class WriteGroups {
    private WriteGroups() {
    }

    /**
     * Waits up to 100 ms for a first item, then adds whatever else is waiting, up to {@code max} in all; false
     * when nothing came (so the caller can look at its own state, e.g. whether it is closing).
     */
    public static <T> boolean next(BlockingQueue<T> waiting, List<T> group, int max) throws InterruptedException {
        T first = waiting.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return false;
        }
        group.add(first);
        waiting.drainTo(group, max - 1);
        return true;
    }

    /**
     * The result of one write, once its group is durable. Throws {@link StoreUnavailableException} when it
     * failed or did not become durable within {@code timeout} (it may still become durable later: the stores
     * make such a late write harmless).
     */
    public static <T> T await(CompletableFuture<T> result, String what, Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreUnavailableException unavailable) {
                throw unavailable;
            }
            throw new StoreUnavailableException("store failed while " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the store did not make " + what + " durable within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while " + what, e);
        }
    }
}
