package org.apogee.oracle;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.SerializeType;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

import static org.apogee.oracle.Util.m;

/**
 * Entry point of the oracle. Usage: Oracle OUT_DIR. The same sources run against the 5.5.0 and the 4.9.7 jars
 * (profiles java5 / java49 in ../pom.xml); what differs between the two is in Jar.java (java5/ or java49/).
 */
public final class Oracle {
    private Oracle() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Oracle OUT_DIR");
        }
        Path out = Paths.get(args[0]).toAbsolutePath().normalize();
        // Exactly what a Java client does: MQClientAPIImpl's static initializer sets the remoting version property,
        // which RemotingCommand.createRequestCommand/createResponseCommand copy into every command.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));

        codes(out);
        jsonEscapes(out);
        Headers.run(out, Jar.HEADER_JAR, Jar.HEADER_PACKAGES);
        Commands.run(out);
        Messages.run(out);
        Bodies.run(out);
        System.out.println("oracle " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION) + ": wrote " + out);
    }

    static TreeMap<String, Object> intConstants(Class<?> c) throws Exception {
        TreeMap<String, Object> map = new TreeMap<>();
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isPublic(mod) && f.getType() == int.class) {
                map.put(f.getName(), f.getInt(null));
            }
        }
        return map;
    }

    static void codes(Path out) throws Exception {
        TreeMap<String, Object> lang = new TreeMap<>();
        for (LanguageCode l : LanguageCode.values()) {
            lang.put(l.name(), (int) l.getCode());
        }
        TreeMap<String, Object> ser = new TreeMap<>();
        for (SerializeType s : SerializeType.values()) {
            ser.put(s.name(), (int) s.getCode());
        }
        List<String> versions = new ArrayList<>();
        for (MQVersion.Version v : MQVersion.Version.values()) {
            versions.add(v.name());
        }
        LinkedHashMap<String, Object> codes = m(
            "note", "Reflection over the jar. responseCode holds only the constants declared in ResponseCode itself; the"
                + " inherited ones are in remotingSysResponseCode.",
            "requestCode", intConstants(RequestCode.class),
            "responseCode", intConstants(ResponseCode.class),
            "remotingSysResponseCode", intConstants(RemotingSysResponseCode.class),
            "languageCode", lang,
            "mqVersion", m("names", versions, "current", MQVersion.CURRENT_VERSION,
                "currentName", MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)),
            "serializeType", ser);
        Util.writeJson(out.resolve("codes.json"), codes);
    }

    /** Characters whose JSON escaping is captured in json-escapes.json. */
    static List<String> escapeProbeChars() {
        List<String> chars = new ArrayList<>();
        for (int c = 0; c < 0x20; c++) {
            chars.add(String.valueOf((char) c));
        }
        for (String s : new String[] {"\u007f", "\u0080", "\u009f", "\u00a0", "\"", "\\", "/", "'", "<", ">", "&",
            "\u2028", "\u2029", "\u00e9", "\u4e2d", "\u6587", "\ud83d\ude00", "\ud800", "\udc00", "\ufeff", "\uffff"}) {
            chars.add(s);
        }
        return chars;
    }

    static String label(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(sb.length() == 0 ? "" : " ").append(String.format("U+%04X", cp)));
        return sb.toString();
    }

    /** Extracts what sits between the ASCII markers "A" + ch + "B" in the encoded bytes. */
    static LinkedHashMap<String, Object> between(byte[] enc, String prefix, String suffix) {
        String text = new String(enc, StandardCharsets.ISO_8859_1);
        int a = text.indexOf(prefix);
        int b = text.indexOf(suffix, a + prefix.length());
        if (a < 0 || b < 0) {
            return m("error", "markers not found", "wholeHex", Util.hex(enc));
        }
        byte[] mid = java.util.Arrays.copyOfRange(enc, a + prefix.length(), b);
        return m("text", new String(mid, StandardCharsets.UTF_8), "hex", Util.hex(mid));
    }

    static void jsonEscapes(Path out) {
        TreeMap<String, Object> table = new TreeMap<>();
        for (String ch : escapeProbeChars()) {
            LinkedHashMap<String, Object> row = new LinkedHashMap<>();
            row.put("inputUtf16", label(ch));
            // 1. remark of a RemotingCommand (bean String property) - the JSON header encoder
            RemotingCommand cmd = RemotingCommand.createResponseCommand(0, "A" + ch + "B");
            cmd.setOpaque(0);
            row.put("headerRemark", between(RemotingSerializable.encode(cmd), "\"remark\":\"A", "B\""));
            // 2. extFields value (HashMap<String,String> value) - same encoder
            RemotingCommand cmd2 = RemotingCommand.createResponseCommand(0, null);
            cmd2.setOpaque(0);
            cmd2.addExtField("k", "A" + ch + "B");
            row.put("headerExtValue", between(RemotingSerializable.encode(cmd2), "\"k\":\"A", "B\""));
            // 3. a body field with the default encoder (RemotingSerializable.encode / TopicRouteData.encode())
            TopicRouteData rd = new TopicRouteData();
            rd.setOrderTopicConf("A" + ch + "B");
            row.put("bodyDefault", between(rd.encode(), "\"orderTopicConf\":\"A", "B\""));
            // 4. the same with the NameServer's GET_ROUTEINFO_BY_TOPIC features (version >= V4_9_4)
            row.put("bodyRouteStandard", between(Jar.routeStandard(rd), "\"orderTopicConf\":\"A", "B\""));
            table.put(label(ch), row);
        }
        Util.writeJson(out.resolve("json-escapes.json"), m(
            "note", "For each input character X, the bytes the JSON encoder writes for the string \"A\" + X + \"B\""
                + " between the markers. headerRemark/headerExtValue: RemotingSerializable.encode(RemotingCommand)"
                + " (what fastEncodeHeader writes for JSON frames). bodyDefault: TopicRouteData.encode()."
                + " bodyRouteStandard: TopicRouteData.encode(" + Jar.ROUTE_FEATURES + "), the NameServer's"
                + " GET_ROUTEINFO_BY_TOPIC encoding for request version >= 401. text = those bytes decoded as UTF-8.",
            "chars", table));
    }
}
