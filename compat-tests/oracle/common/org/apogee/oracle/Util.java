package org.apogee.oracle;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Version-independent helpers of the oracle (built against both jar versions, see ../pom.xml).
 * Nothing in here touches RocketMQ classes.
 *
 * Our own manifest JSON is written by {@link #pretty(Object)}: 2-space indentation, a trailing newline, map entries in
 * the map's iteration order (callers use TreeMap where the order is ours and LinkedHashMap where the order is data),
 * and every character outside printable ASCII plus a few readable non-ASCII ranges escaped as \\uXXXX.
 */
public final class Util {
    private Util() {
    }

    // ------------------------------------------------------------------ output

    public static void writeBytes(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    public static void writeJson(Path file, Object value) {
        writeBytes(file, (pretty(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(byte[] data) {
        if (data == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(data.length * 2);
        for (byte b : data) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Ordered map builder: m("a", 1, "b", 2). */
    public static LinkedHashMap<String, Object> m(Object... kv) {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put((String) kv[i], kv[i + 1]);
        }
        return map;
    }

    public static <V> TreeMap<String, V> sorted(Map<String, V> in) {
        return in == null ? null : new TreeMap<>(in);
    }

    public static String exceptionText(Throwable t) {
        if (t == null) {
            return null;
        }
        return t.getClass().getName() + ": " + t.getMessage();
    }

    // ------------------------------------------------------------------ JSON writer

    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append("  ");
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object v, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            quote(sb, (String) v);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
            || v instanceof Byte || v instanceof AtomicLong || v instanceof AtomicInteger) {
            sb.append(v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                quote(sb, v.toString());
            } else {
                sb.append(v.toString());
            }
        } else if (v instanceof Number) {
            sb.append(v.toString());
        } else if (v instanceof Character) {
            quote(sb, v.toString());
        } else if (v instanceof Enum) {
            quote(sb, ((Enum<?>) v).name());
        } else if (v instanceof byte[]) {
            quote(sb, hex((byte[]) v));
        } else if (v instanceof Map) {
            Map<Object, Object> map = (Map<Object, Object>) v;
            if (map.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<Object, Object> e : map.entrySet()) {
                indent(sb, level + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), level + 1);
                if (++i < map.size()) {
                    sb.append(',');
                }
                sb.append('\n');
            }
            indent(sb, level);
            sb.append('}');
        } else if (v instanceof Collection || v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            if (v instanceof Collection) {
                list.addAll((Collection<Object>) v);
            } else {
                for (int i = 0; i < Array.getLength(v); i++) {
                    list.add(Array.get(v, i));
                }
            }
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            boolean simple = true;
            for (Object o : list) {
                if (o instanceof Map || o instanceof Collection || (o != null && o.getClass().isArray() && !(o instanceof byte[]))) {
                    simple = false;
                    break;
                }
            }
            if (simple && list.size() <= 16) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    write(sb, list.get(i), level + 1);
                }
                sb.append(']');
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                indent(sb, level + 1);
                write(sb, list.get(i), level + 1);
                if (i + 1 < list.size()) {
                    sb.append(',');
                }
                sb.append('\n');
            }
            indent(sb, level);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    boolean plain = (c >= 0x20 && c < 0x7f)
                        || (c >= 0xa0 && c < 0x2000)          // Latin-1 supplement .. general punctuation
                        || (c >= 0x3000 && c < 0xd800);       // CJK
                    if (plain) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
            }
        }
        sb.append('"');
    }

    // ------------------------------------------------------------------ JSON reader (standard JSON only)

    /** Parses standard JSON; objects become LinkedHashMap (wire order kept), numbers stay as their source text. */
    public static Object parseJson(String s) {
        int[] pos = {0};
        Object v = parseValue(s, pos);
        skipWs(s, pos);
        if (pos[0] != s.length()) {
            throw new IllegalArgumentException("trailing data at " + pos[0]);
        }
        return v;
    }

    /** Marker type for numbers read by {@link #parseJson(String)}. */
    public static final class RawNumber extends Number {
        public final String text;

        RawNumber(String text) {
            this.text = text;
        }

        @Override public int intValue() {
            return Integer.parseInt(text);
        }

        @Override public long longValue() {
            return Long.parseLong(text);
        }

        @Override public float floatValue() {
            return Float.parseFloat(text);
        }

        @Override public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override public String toString() {
            return text;
        }
    }

    private static void skipWs(String s, int[] p) {
        while (p[0] < s.length() && Character.isWhitespace(s.charAt(p[0]))) {
            p[0]++;
        }
    }

    private static Object parseValue(String s, int[] p) {
        skipWs(s, p);
        char c = s.charAt(p[0]);
        if (c == '{') {
            p[0]++;
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            skipWs(s, p);
            if (s.charAt(p[0]) == '}') {
                p[0]++;
                return map;
            }
            while (true) {
                skipWs(s, p);
                String key = parseString(s, p);
                skipWs(s, p);
                expect(s, p, ':');
                map.put(key, parseValue(s, p));
                skipWs(s, p);
                if (s.charAt(p[0]) == ',') {
                    p[0]++;
                    continue;
                }
                expect(s, p, '}');
                return map;
            }
        } else if (c == '[') {
            p[0]++;
            List<Object> list = new ArrayList<>();
            skipWs(s, p);
            if (s.charAt(p[0]) == ']') {
                p[0]++;
                return list;
            }
            while (true) {
                list.add(parseValue(s, p));
                skipWs(s, p);
                if (s.charAt(p[0]) == ',') {
                    p[0]++;
                    continue;
                }
                expect(s, p, ']');
                return list;
            }
        } else if (c == '"') {
            return parseString(s, p);
        } else if (s.startsWith("true", p[0])) {
            p[0] += 4;
            return Boolean.TRUE;
        } else if (s.startsWith("false", p[0])) {
            p[0] += 5;
            return Boolean.FALSE;
        } else if (s.startsWith("null", p[0])) {
            p[0] += 4;
            return null;
        } else {
            int start = p[0];
            while (p[0] < s.length() && "+-0123456789.eE".indexOf(s.charAt(p[0])) >= 0) {
                p[0]++;
            }
            if (start == p[0]) {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + start);
            }
            return new RawNumber(s.substring(start, p[0]));
        }
    }

    private static void expect(String s, int[] p, char c) {
        if (s.charAt(p[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + p[0] + " got '" + s.charAt(p[0]) + "'");
        }
        p[0]++;
    }

    private static String parseString(String s, int[] p) {
        expect(s, p, '"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(p[0]++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(p[0]++);
            switch (e) {
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    sb.append((char) Integer.parseInt(s.substring(p[0], p[0] + 4), 16));
                    p[0] += 4;
                    break;
                default: sb.append(e);
            }
        }
    }

    // ------------------------------------------------------------------ frame helpers

    /** Keys of the ext-field section of a ROCKETMQ (binary) header, in wire order. */
    public static List<String> binaryExtKeyOrder(byte[] frame) {
        ByteBuffer bb = ByteBuffer.wrap(frame);
        bb.getInt(); // total length
        int headerLen = bb.getInt() & 0xFFFFFF;
        int headerStart = bb.position();
        bb.position(headerStart + 2 + 1 + 2 + 4 + 4);
        int remarkLen = bb.getInt();
        bb.position(bb.position() + remarkLen);
        int extLen = bb.getInt();
        int end = bb.position() + extLen;
        List<String> keys = new ArrayList<>();
        while (bb.position() < end) {
            int kl = bb.getShort();
            byte[] k = new byte[kl];
            bb.get(k);
            keys.add(new String(k, StandardCharsets.UTF_8));
            int vl = bb.getInt();
            bb.position(bb.position() + vl);
        }
        if (end != headerStart + headerLen) {
            throw new IllegalStateException("ext section does not end at header end");
        }
        return keys;
    }

    /** The header bytes of a frame (after the 8 byte length words) as text; meaningful for JSON frames. */
    public static String headerText(byte[] frame) {
        ByteBuffer bb = ByteBuffer.wrap(frame);
        bb.getInt();
        int headerLen = bb.getInt() & 0xFFFFFF;
        return new String(frame, 8, headerLen, StandardCharsets.UTF_8);
    }

    /** Keys of "extFields" in a JSON header, in wire order (empty list when absent). */
    @SuppressWarnings("unchecked")
    public static List<String> jsonExtKeyOrder(byte[] frame) {
        Map<String, Object> header = (Map<String, Object>) parseJson(headerText(frame));
        Object ext = header.get("extFields");
        return ext == null ? new ArrayList<>() : new ArrayList<>(((Map<String, Object>) ext).keySet());
    }

    /** Top-level keys of a JSON header, in wire order. */
    @SuppressWarnings("unchecked")
    public static List<String> jsonTopKeyOrder(byte[] frame) {
        Map<String, Object> header = (Map<String, Object>) parseJson(headerText(frame));
        return new ArrayList<>(header.keySet());
    }

    public static List<String> keyOrder(byte[] frame, boolean json) {
        return json ? jsonExtKeyOrder(frame) : binaryExtKeyOrder(frame);
    }

    // ------------------------------------------------------------------ input description

    /**
     * Describes a Java object graph in standard JSON terms for manifests: beans become objects of their non-static,
     * non-transient fields (sorted by name, superclass fields included), maps with String keys become sorted objects,
     * other maps become arrays of [key, value] pairs (sorted by the key's description), collections become arrays in
     * iteration order.
     */
    @SuppressWarnings("unchecked")
    public static Object describe(Object o) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Character) {
            return o instanceof Character ? o.toString() : o;
        }
        if (o instanceof Enum) {
            return ((Enum<?>) o).name();
        }
        if (o instanceof byte[]) {
            return hex((byte[]) o);
        }
        if (o instanceof Map) {
            Map<Object, Object> map = (Map<Object, Object>) o;
            boolean stringKeys = true;
            for (Object k : map.keySet()) {
                if (!(k instanceof String)) {
                    stringKeys = false;
                    break;
                }
            }
            if (stringKeys) {
                TreeMap<String, Object> out = new TreeMap<>();
                for (Map.Entry<Object, Object> e : map.entrySet()) {
                    out.put((String) e.getKey(), describe(e.getValue()));
                }
                return out;
            }
            List<List<Object>> pairs = new ArrayList<>();
            for (Map.Entry<Object, Object> e : map.entrySet()) {
                List<Object> pair = new ArrayList<>();
                pair.add(describe(e.getKey()));
                pair.add(describe(e.getValue()));
                pairs.add(pair);
            }
            pairs.sort(Comparator.comparing(p -> pretty(p.get(0))));
            return pairs;
        }
        if (o instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object e : (Collection<Object>) o) {
                out.add(describe(e));
            }
            return out;
        }
        if (o.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(o); i++) {
                out.add(describe(Array.get(o, i)));
            }
            return out;
        }
        TreeMap<String, Object> out = new TreeMap<>();
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("java.")) {
                break;
            }
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic() || out.containsKey(f.getName())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    out.put(f.getName(), describe(f.get(o)));
                } catch (Exception e) {
                    out.put(f.getName(), "<unreadable: " + e.getClass().getSimpleName() + ">");
                }
            }
        }
        return out;
    }
}
