package org.apogee.compat.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Waiting for an observable condition with a bound. Each attempt asks the system (a consumer's received set, the
 * broker through the admin API, ...); the poll interval only limits how often we ask. A timeout fails the test
 * with the description and the last observation.
 */
public final class Await {
    private static final long POLL_MS = 100;

    private Await() {
    }

    /** Polls until `probe` returns non-null (exceptions count as "not yet"); returns that value. */
    public static <T> T until(String what, Duration timeout, Callable<T> probe) {
        return until(what, timeout, probe, () -> "");
    }

    public static <T> T until(String what, Duration timeout, Callable<T> probe, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                T v = probe.call();
                if (v != null && !(v instanceof Boolean && !((Boolean) v))) {
                    return v;
                }
                last = null;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                String s = state.get();
                String msg = "timed out after " + timeout.toMillis() + " ms waiting for: " + what
                    + (s.isEmpty() ? "" : "\nstate: " + s)
                    + (last == null ? "" : "\nlast error: " + last);
                AssertionFailedError err = new AssertionFailedError(msg);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            sleepQuietly(POLL_MS);
        }
    }

    /** Polls a boolean condition. */
    public static void condition(String what, Duration timeout, Callable<Boolean> cond, Supplier<String> state) {
        until(what, timeout, () -> cond.call() ? Boolean.TRUE : null, state);
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
