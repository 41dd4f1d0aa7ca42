package org.apogee.oracle;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

import static org.apogee.oracle.Util.m;

/**
 * commands/decode-probe.json: hand-made JSON and binary headers fed to RemotingCommand.decode, to show what a Java
 * peer accepts from a non-Java one. Runs after Commands' cases (the JSON probe without "opaque" records the static
 * request-id counter, which those cases advanced).
 */
final class CommandProbes {
    private CommandProbes() {
    }

    static byte[] jsonFrameBody(String header) {
        byte[] h = Util.utf8(header);
        ByteBuffer bb = ByteBuffer.allocate(4 + h.length);
        bb.putInt(h.length);  // header-length word, serialize type 0
        bb.put(h);
        return bb.array();
    }

    static byte[] binaryFrameBody(int code, int language, int version, int opaque, int flag, byte[] remark,
        byte[][] extKv) {
        int extLen = 0;
        for (int i = 0; i < extKv.length; i += 2) {
            extLen += 2 + extKv[i].length + 4 + extKv[i + 1].length;
        }
        int hl = 2 + 1 + 2 + 4 + 4 + 4 + remark.length + 4 + extLen;
        ByteBuffer bb = ByteBuffer.allocate(4 + hl);
        bb.putInt((1 << 24) | hl);
        bb.putShort((short) code).put((byte) language).putShort((short) version).putInt(opaque).putInt(flag);
        bb.putInt(remark.length).put(remark);
        bb.putInt(extLen);
        for (int i = 0; i < extKv.length; i += 2) {
            bb.putShort((short) extKv[i].length).put(extKv[i]).putInt(extKv[i + 1].length).put(extKv[i + 1]);
        }
        return bb.array();
    }

    static LinkedHashMap<String, Object> decoded(byte[] frameWithoutLength) {
        LinkedHashMap<String, Object> r = new LinkedHashMap<>();
        try {
            RemotingCommand d = RemotingCommand.decode(frameWithoutLength);
            r.put("code", d.getCode());
            r.put("language", d.getLanguage() == null ? null : d.getLanguage().name());
            r.put("version", d.getVersion());
            r.put("opaque", d.getOpaque());
            r.put("flag", d.getFlag());
            r.put("remark", d.getRemark());
            r.put("extFields", d.getExtFields() == null ? null : new TreeMap<>(Commands.nullSafe(d.getExtFields())));
            r.put("serializeTypeCurrentRPC", d.getSerializeTypeCurrentRPC() == null ? null
                : d.getSerializeTypeCurrentRPC().name());
            r.put("isResponseType", d.isResponseType());
            r.put("isOnewayRPC", d.isOnewayRPC());
        } catch (Throwable t) {
            r.put("error", Util.exceptionText(t));
        }
        return r;
    }

    static void run(Path dir) {
        String[][] json = {
            {"go-request", "{\"code\":105,\"language\":\"GO\",\"version\":317,\"opaque\":1,\"flag\":0,\"remark\":\"\",\"extFields\":{\"topic\":\"TopicTest\"}}"},
            {"ts-minimal-response", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"extFields\":{}}"},
            {"language-as-int", "{\"code\":0,\"language\":9,\"version\":401,\"opaque\":1,\"flag\":1}"},
            {"language-unknown-name", "{\"code\":0,\"language\":\"KOTLIN\",\"version\":401,\"opaque\":1,\"flag\":1}"},
            {"language-node-js", "{\"code\":0,\"language\":\"NODE_JS\",\"version\":401,\"opaque\":1,\"flag\":1}"},
            {"language-rust", "{\"code\":0,\"language\":\"RUST\",\"version\":401,\"opaque\":1,\"flag\":1}"},
            {"only-code-and-opaque", "{\"code\":0,\"opaque\":5}"},
            {"explicit-nulls", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"remark\":null,\"extFields\":null}"},
            {"ext-non-string-values", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"extFields\":{\"queueId\":2,\"ok\":true,\"big\":12345678901234567890,\"f\":1.50,\"n\":null}}"},
            {"unknown-top-level-keys", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"foo\":\"bar\",\"nested\":{\"a\":[1,2]}}"},
            {"serialize-type-field", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"serializeTypeCurrentRPC\":\"ROCKETMQ\"}"},
            {"numbers-as-strings", "{\"code\":\"105\",\"language\":\"JAVA\",\"version\":\"401\",\"opaque\":\"3\",\"flag\":\"1\"}"},
            {"escaped-unicode", "{\"code\":0,\"language\":\"JAVA\",\"version\":401,\"opaque\":1,\"flag\":1,\"remark\":\"\\u4e2d\\u6587 \\ud83d\\ude00 \\/ \\u0001\",\"extFields\":{\"k\":\"\\u00e9\"}}"},
            {"whitespace", " {\n \"code\" : 0 ,\n \"opaque\" : 9 ,\n \"flag\" : 1 \n}\n "},
            {"unquoted-keys", "{code:0,language:\"JAVA\",version:401,opaque:1,flag:1,extFields:{topic:\"T\"}}"},
            {"single-quotes", "{'code':0,'opaque':1,'flag':1,'remark':'x'}"},
            {"opaque-out-of-int-range", "{\"code\":0,\"opaque\":4294967295,\"flag\":1}"},
            {"duplicate-key", "{\"code\":0,\"opaque\":1,\"opaque\":2,\"flag\":1}"},
            {"trailing-garbage", "{\"code\":0,\"opaque\":1,\"flag\":1}xyz"},
            {"empty-object", "{}"},
        };
        TreeMap<String, Object> results = new TreeMap<>();
        for (String[] p : json) {
            results.put("json/" + p[0], m("header", p[1], "decoded", decoded(jsonFrameBody(p[1]))));
        }
        byte[] none = new byte[0];
        Object[][] bin = {
            {"language-13", 13, new byte[0][]},
            {"language-99", 99, new byte[0][]},
            {"empty-key-and-value", 0, new byte[][] {none, Util.utf8("v"), Util.utf8("k"), none}},
            {"duplicate-key", 0, new byte[][] {Util.utf8("k"), Util.utf8("1"), Util.utf8("k"), Util.utf8("2")}},
        };
        for (Object[] p : bin) {
            byte[] f = binaryFrameBody(0, (Integer) p[1], 401, 1, 1, none, (byte[][]) p[2]);
            results.put("rmq/" + p[0], m("frameWithoutLengthHex", Util.hex(f), "decoded", decoded(f)));
        }
        byte[] neg = binaryFrameBody(-1, 0, -1, 1, 1, none, new byte[0][]);
        results.put("rmq/negative-code-and-version", m("frameWithoutLengthHex", Util.hex(neg), "decoded", decoded(neg)));
        Util.writeJson(dir.resolve("decode-probe.json"), m(
            "note", "Hand-made headers fed to RemotingCommand.decode(byte[] without the 4-byte total length). Shows what"
                + " a Java peer accepts from a non-Java server/client. json/* are JSON headers (serialize type 0),"
                + " rmq/* binary ones. 'error' = decode threw. A JSON header without \"opaque\" keeps the value"
                + " RemotingCommand's constructor took from its static request-id counter (so that number is an"
                + " artefact of this program, not a protocol value); a missing language stays JAVA, a missing"
                + " version/flag/code stays 0.",
            "probes", results));
    }
}
