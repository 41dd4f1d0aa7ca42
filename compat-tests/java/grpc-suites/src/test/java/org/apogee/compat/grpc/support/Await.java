package org.apogee.compat.grpc.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it yields a non-null value or the bound passes (then fails with what was awaited). */
public final class Await {
    private static final long STEP_MS = 200;

    private Await() {
    }

    public static <T> T until(String what, Duration bound, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            T v = probe.call();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(STEP_MS);
        }
    }
}
