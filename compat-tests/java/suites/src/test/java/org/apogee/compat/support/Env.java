package org.apogee.compat.support;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** What the harness tells the suite, as system properties. */
public final class Env {
    private static final String RUN_TAG = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36)
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Env() {
    }

    /** -Dnamesrv=host:port[;host:port]: the target NameServer(s). Required. */
    public static String namesrv() {
        String v = System.getProperty("namesrv");
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property -Dnamesrv=host:port (the target's NameServer) is required");
        }
        return v.trim();
    }

    /** -Dcompat.control=DIR: the harness handshake directory (broker kill/restart). Absent = no control. */
    public static Optional<Path> controlDir() {
        String v = System.getProperty("compat.control");
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(Paths.get(v.trim()));
    }

    /**
     * -Dcompat.full=true: a full run (the runner's --full / --suites all, or APOGEE_COMPAT_FULL=1), which runs the
     * scenarios too slow for the CI slice; without it they skip saying so (the runner expects that skip).
     */
    public static boolean fullRun() {
        return Boolean.getBoolean("compat.full");
    }

    /** The skip reason of a full-run-only scenario; the runner's FULL_RUN_ONLY pattern matches its start. */
    public static String fullRunOnlyReason(String coveredInCiBy) {
        return "full run only (-Dcompat.full=true: compat --full, or APOGEE_COMPAT_FULL=1): keeps CI short; in CI " + coveredInCiBy;
    }

    /** The official client version on the classpath (from the Maven profile). */
    public static String clientVersion() {
        return System.getProperty("compat.clientVersion", "unknown");
    }

    /**
     * A fresh resource name (topic, group, key, instance): prefix + run tag + sequence. Topic/group charset is
     * [a-zA-Z0-9_-] (Java: TopicValidator / Validators), and each test uses its own names so tests never see each
     * other's messages even though they share one broker.
     */
    public static String unique(String prefix) {
        return prefix + "_" + RUN_TAG + "_" + SEQ.incrementAndGet();
    }
}
