package org.apogee.oracle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.annotation.CFNotNull;
import org.apache.rocketmq.remoting.protocol.FastCodesHeader;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

import static org.apogee.oracle.Util.m;

/**
 * headers.json: every concrete CommandCustomHeader in a version's header packages, populated deterministically,
 * encoded the way RemotingCommand/NettyEncoder do it, and decoded back the way the broker/namesrv processors do it.
 * Needs nothing from Jar but the jar and packages to scan: the remoting API it calls (RemotingCommand,
 * CommandCustomHeader, FastCodesHeader) is the same in 4.9.x and 5.x, and the header classes themselves are found by
 * scanning the jar that holds them.
 */
final class Headers {
    static final int REQUEST_CODE = 10;
    static final int OPAQUE = 7;
    static final String UNICODE_VALUE = "中文-é-\u0001";

    private Headers() {
    }

    /**
     * @param headerJar a class in the jar that holds the headers (rocketmq-common in 4.9.x, rocketmq-remoting in 5.x)
     * @param packages  the packages scanned, as jar paths (direct members only, nested classes included)
     */
    static void run(Path out, Class<?> headerJar, String... packages) throws Exception {
        List<Class<?>> classes = scan(headerJar, packages);
        Map<String, Integer> simpleNameCount = new HashMap<>();
        for (Class<?> c : classes) {
            simpleNameCount.merge(c.getSimpleName(), 1, Integer::sum);
        }
        TreeMap<String, Object> result = new TreeMap<>();
        for (Class<?> c : classes) {
            String key = simpleNameCount.get(c.getSimpleName()) > 1 ? c.getName() : c.getSimpleName();
            result.put(key, describeHeader(c));
        }
        Util.writeJson(out.resolve("headers.json"), m(
            "note", "Every concrete CommandCustomHeader in " + String.join(", ", packages).replace('/', '.')
                + " of the jar. fields[] is in the order RemotingCommand.getClazzFields returns them (a HashSet of"
                + " java.lang.reflect.Field; this is the order makeCustomHeaderToNet visits them, but the resulting"
                + " extFields is a HashMap so its order is HashMap order). Frames: request code " + REQUEST_CODE
                + ", opaque " + OPAQUE + ", version = rocketmq.remoting.version, written with fastEncodeHeader like"
                + " NettyEncoder. Populated values: String -> <name>V, int/Integer -> name.length()*7+3 (queueId -> -1),"
                + " long/Long -> 1700000000123+name.length(), boolean/Boolean -> true, double/Double -> 1.5, enums ->"
                + " first constant (see enumChoices). decodeProbe: RemotingCommand.decodeCommandCustomHeader(class) (what"
                + " the processors call; it takes the FastCodesHeader.decode path when the class has one) on"
                + " fromSample = the sample map, emptyExtFields = an empty map, nullExtFields = extFields null,"
                + " lenientValues = integers as \"+5\", booleans as \"TRUE\", doubles as \"1e3\", invalidValues ="
                + " numbers as \"x\", booleans as \"yes\"; values = every field read back with String.valueOf"
                + " (JSON null = field is null), threw = the exception that escaped decode.",
            "headers", result));
    }

    static List<Class<?>> scan(Class<?> headerJar, String[] packages) throws Exception {
        URL jarUrl = headerJar.getProtectionDomain().getCodeSource().getLocation();
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(Paths.get(jarUrl.toURI()).toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String n = entries.nextElement().getName();
                for (String p : packages) {
                    if (n.startsWith(p) && n.endsWith(".class") && n.indexOf('/', p.length()) < 0) {
                        names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        names.sort(null);
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            Class<?> c = Class.forName(n, false, Headers.class.getClassLoader());
            if (!CommandCustomHeader.class.isAssignableFrom(c) || c.isInterface()
                || Modifier.isAbstract(c.getModifiers()) || c.isAnonymousClass()) {
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /** The field array RemotingCommand itself iterates over (getClazzFields: private in 4.9.x, package-private in 5.x). */
    static Field[] remotingFields(Class<?> c) throws Exception {
        Method m = RemotingCommand.class.getDeclaredMethod("getClazzFields", Class.class);
        m.setAccessible(true);
        return (Field[]) m.invoke(RemotingCommand.createRequestCommand(0, null), c);
    }

    static boolean ignoredByRemoting(Field f) {
        return Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("this");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object populate(Object header, Field[] fields, String unicodeField, List<Object> unsettable,
        Map<String, Object> enumChoices) throws Exception {
        for (Field f : fields) {
            if (ignoredByRemoting(f)) {
                continue;
            }
            String name = f.getName();
            Class<?> t = f.getType();
            Object v;
            if (t == String.class) {
                v = name.equals(unicodeField) ? UNICODE_VALUE : name + "V";
            } else if (t == int.class || t == Integer.class) {
                v = name.equals("queueId") ? -1 : name.length() * 7 + 3;
            } else if (t == long.class || t == Long.class) {
                v = 1700000000123L + name.length();
            } else if (t == boolean.class || t == Boolean.class) {
                v = Boolean.TRUE;
            } else if (t == double.class || t == Double.class) {
                v = 1.5d;
            } else if (t == short.class || t == Short.class) {
                v = (short) (name.length() * 7 + 3);
            } else if (t.isEnum()) {
                Object[] constants = t.getEnumConstants();
                v = constants[0];
                enumChoices.put(name, t.getName() + "." + ((Enum) v).name());
            } else {
                unsettable.add(m("field", name, "type", t.getTypeName(), "reason", "type not populated by the oracle"));
                continue;
            }
            try {
                f.setAccessible(true);
                f.set(header, v);
            } catch (Exception e) {
                unsettable.add(m("field", name, "type", t.getTypeName(), "reason", Util.exceptionText(e)));
            }
        }
        return header;
    }

    static String pickUnicodeField(Field[] fields) {
        String best = null;
        for (Field f : fields) {
            if (ignoredByRemoting(f) || f.getType() != String.class) {
                continue;
            }
            if (f.getName().equals("topic")) {
                return "topic";
            }
            if (best == null || f.getName().compareTo(best) < 0) {
                best = f.getName();
            }
        }
        return best;
    }

    static byte[] frame(RemotingCommand cmd) {
        ByteBuf buf = Unpooled.buffer();
        cmd.fastEncodeHeader(buf);
        if (cmd.getBody() != null) {
            buf.writeBytes(cmd.getBody());
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    static Map<String, Object> describeHeader(Class<?> c) throws Exception {
        LinkedHashMap<String, Object> d = new LinkedHashMap<>();
        d.put("class", c.getName());
        d.put("fastCodes", FastCodesHeader.class.isAssignableFrom(c));
        Field[] fields = remotingFields(c);
        List<Object> fieldList = new ArrayList<>();
        for (Field f : fields) {
            fieldList.add(m(
                "name", f.getName(),
                "type", f.getType().getCanonicalName() != null ? f.getType().getCanonicalName() : f.getType().getName(),
                "notNull", f.getAnnotation(CFNotNull.class) != null,
                "declaredIn", f.getDeclaringClass().getSimpleName(),
                "static", Modifier.isStatic(f.getModifiers())));
        }
        d.put("fields", fieldList);

        CommandCustomHeader h;
        try {
            h = (CommandCustomHeader) c.getDeclaredConstructor().newInstance();
        } catch (Exception e) {
            d.put("error", "cannot instantiate: " + Util.exceptionText(e));
            return d;
        }
        List<Object> unsettable = new ArrayList<>();
        TreeMap<String, Object> enumChoices = new TreeMap<>();
        populate(h, fields, null, unsettable, enumChoices);

        RemotingCommand sampleCmd = RemotingCommand.createRequestCommand(REQUEST_CODE, h);
        sampleCmd.makeCustomHeaderToNet();
        Map<String, String> sample = sampleCmd.getExtFields();
        d.put("sample", Util.sorted(sample));

        String unicodeField = pickUnicodeField(fields);
        if (unicodeField != null) {
            CommandCustomHeader hu = (CommandCustomHeader) c.getDeclaredConstructor().newInstance();
            populate(hu, fields, unicodeField, new ArrayList<>(), new TreeMap<>());
            RemotingCommand uc = RemotingCommand.createRequestCommand(REQUEST_CODE, hu);
            uc.makeCustomHeaderToNet();
            d.put("unicodeField", unicodeField);
            d.put("sampleUnicode", Util.sorted(uc.getExtFields()));
        }
        if (!enumChoices.isEmpty()) {
            d.put("enumChoices", enumChoices);
        }
        d.put("unsettable", unsettable);

        byte[] jsonFrame = null;
        byte[] binFrame = null;
        for (SerializeType st : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
            RemotingCommand cmd = RemotingCommand.createRequestCommand(REQUEST_CODE, h);
            cmd.setOpaque(OPAQUE);
            cmd.setSerializeTypeCurrentRPC(st);
            try {
                byte[] f = frame(cmd);
                if (st == SerializeType.JSON) {
                    jsonFrame = f;
                } else {
                    binFrame = f;
                }
            } catch (Exception e) {
                d.put(st == SerializeType.JSON ? "sampleJsonFrameError" : "sampleBinaryFrameError", Util.exceptionText(e));
            }
        }
        d.put("sampleJsonFrame", Util.hex(jsonFrame));
        d.put("sampleBinaryFrame", Util.hex(binFrame));
        List<String> binKeys = binFrame == null ? null : Util.binaryExtKeyOrder(binFrame);
        d.put("binaryKeyOrder", binKeys);
        d.put("jsonKeyOrder", jsonFrame == null ? null : Util.jsonExtKeyOrder(jsonFrame));
        if (binKeys != null) {
            List<String> missing = new ArrayList<>();
            for (String k : new TreeMap<>(sample).keySet()) {
                if (!binKeys.contains(k)) {
                    missing.add(k);
                }
            }
            d.put("binaryMissingKeys", missing);
        }

        LinkedHashMap<String, Object> probe = new LinkedHashMap<>();
        probe.put("fromSample", decodeProbe(c, fields, new HashMap<>(sample)));
        probe.put("emptyExtFields", decodeProbe(c, fields, new HashMap<>()));
        probe.put("nullExtFields", decodeProbe(c, fields, null));
        HashMap<String, String> lenient = new HashMap<>(sample);
        HashMap<String, String> invalid = new HashMap<>(sample);
        for (Field f : fields) {
            if (ignoredByRemoting(f) || !sample.containsKey(f.getName())) {
                continue;
            }
            Class<?> t = f.getType();
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                lenient.put(f.getName(), "+5");
                invalid.put(f.getName(), "x");
            } else if (t == boolean.class || t == Boolean.class) {
                lenient.put(f.getName(), "TRUE");
                invalid.put(f.getName(), "yes");
            } else if (t == double.class || t == Double.class) {
                lenient.put(f.getName(), "1e3");
                invalid.put(f.getName(), "x");
            }
        }
        probe.put("lenientValues", m("input", Util.sorted(lenient), "result", decodeProbe(c, fields, lenient)));
        probe.put("invalidValues", m("input", Util.sorted(invalid), "result", decodeProbe(c, fields, invalid)));
        d.put("decodeProbe", probe);
        return d;
    }

    /** RemotingCommand.decodeCommandCustomHeader(cls) — the call every processor makes — then read every field back. */
    static Map<String, Object> decodeProbe(Class<?> c, Field[] fields, HashMap<String, String> ext) {
        LinkedHashMap<String, Object> r = new LinkedHashMap<>();
        RemotingCommand cmd = RemotingCommand.createRequestCommand(REQUEST_CODE, null);
        cmd.setExtFields(ext);
        Object obj;
        try {
            @SuppressWarnings("unchecked")
            Class<? extends CommandCustomHeader> hc = (Class<? extends CommandCustomHeader>) c;
            obj = cmd.decodeCommandCustomHeader(hc);
            r.put("threw", null);
        } catch (Throwable t) {
            r.put("threw", Util.exceptionText(t));
            return r;
        }
        if (obj == null) {
            r.put("result", null);
            return r;
        }
        TreeMap<String, Object> values = new TreeMap<>();
        for (Field f : fields) {
            if (ignoredByRemoting(f)) {
                continue;
            }
            try {
                f.setAccessible(true);
                Object v = f.get(obj);
                values.put(f.getName(), v == null ? null : String.valueOf(v));
            } catch (Exception e) {
                values.put(f.getName(), "<unreadable>");
            }
        }
        r.put("values", values);
        return r;
    }
}
