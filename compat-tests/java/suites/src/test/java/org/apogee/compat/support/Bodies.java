package org.apogee.compat.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Message bodies with known content, and short descriptions of bodies for failure messages. */
public final class Bodies {
    private Bodies() {
    }

    /** `size` pseudo-random (incompressible) bytes from `seed`. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** `size` bytes of repetitive text (compresses well). */
    public static byte[] compressible(int size) {
        byte[] unit = "Apogee compat: the quick brown fox jumps over the lazy dog. 0123456789\n".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = unit[i % unit.length];
        }
        return b;
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "N bytes sha256=…" (null-safe). */
    public static String describe(byte[] b) {
        return b == null ? "null body" : b.length + " bytes sha256=" + sha256(b).substring(0, 16);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
