package com.fks.execution.order;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
            throw unavailable(e.getCause(), what, timeout);
        } catch (TimeoutException e) {
            throw unavailable(e, what, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while " + what, e);
        }
    }

    /**
     * As {@link #await}, for a caller that does not wait: the result once its group is durable, or failed with a
     * {@link StoreUnavailableException} (wrapped in a {@link CompletionException}) when the
     * write failed or was not durable within {@code timeout}. Completed on the writer's thread (or the timer's).
     */
    public static <T> CompletableFuture<T> bounded(CompletableFuture<T> result, String what, Duration timeout) {
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw unavailable(cause, what, timeout);
            }
            return value;
        });
    }

    private static StoreUnavailableException unavailable(Throwable cause, String what, Duration timeout) {
        if (cause instanceof StoreUnavailableException unavailable) {
            return unavailable;
        }
        if (cause instanceof TimeoutException) {
            return new StoreUnavailableException("the store did not make " + what + " durable within "
                    + timeout.toMillis() + " ms", cause);
        }
        return new StoreUnavailableException("store failed while " + what + ": " + cause, cause);
    }
}
