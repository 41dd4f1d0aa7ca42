package org.apogee.compat.grpc.support;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** What the harness tells the gRPC suite, as system properties: the proxy's gRPC endpoint and the NameServer. */
public final class GrpcEnv {
    private static final String RUN_TAG = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36)
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private GrpcEnv() {
    }

    /** -Dproxy=host:port: the official proxy's gRPC endpoint (grpcServerPort). Required. */
    public static String proxy() {
        return required("proxy", "the official proxy's gRPC endpoint");
    }

    /** -Dnamesrv=host:port: the target's NameServer, for the remoting admin API only. Required. */
    public static String namesrv() {
        return required("namesrv", "the target's NameServer");
    }

    public static String clientVersion() {
        return System.getProperty("compat.grpcClientVersion", "unknown");
    }

    /** A fresh resource name: prefix + run tag + sequence (charset [a-zA-Z0-9_-]), so tests never share one. */
    public static String unique(String prefix) {
        return prefix + "_" + RUN_TAG + "_" + SEQ.incrementAndGet();
    }

    private static String required(String key, String what) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property -D" + key + "=host:port (" + what + ") is required");
        }
        return v.trim();
    }
}
