package org.apogee.oracle;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.help.FAQUrl;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.SerializeType;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PullMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;
import org.apache.rocketmq.remoting.protocol.header.SendMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.UpdateConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader;

import static org.apogee.oracle.Util.m;

/**
 * commands/: whole RemotingCommand frames as NettyEncoder writes them (fastEncodeHeader + body), in both
 * serializations, plus what RemotingCommand.decode reads back.
 */
final class Commands {
    /** Remark / ext value covering every escaping corner. */
    static final String SPECIAL;

    static {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        sb.append('\u007f').append('"').append('\\').append('/').append('\u2028').append('\u2029')
            .append("中文").append("\ud83d\ude00").append("é");
        SPECIAL = sb.toString();
    }

    interface Builder {
        RemotingCommand build() throws Exception;
    }

    static final class Case {
        final String name;
        final String note;
        final Builder builder;

        Case(String name, String note, Builder builder) {
            this.name = name;
            this.note = note;
            this.builder = builder;
        }
    }

    private Commands() {
    }

    static final String UNIQ = "C0A8000A30394A9A1F6D0B2E64000001";

    static SendMessageRequestHeader sendHeaderV1() {
        // what DefaultMQProducerImpl.sendKernelImpl fills in for new Message("TopicTest", "TagA", "order-1", "Hello")
        Message msg = new Message("TopicTest", "TagA", "order-1", Util.utf8("Hello"));
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, UNIQ);
        SendMessageRequestHeader h = new SendMessageRequestHeader();
        h.setProducerGroup("pg");
        h.setTopic("TopicTest");
        h.setDefaultTopic("TBW102");
        h.setDefaultTopicQueueNums(4);
        h.setQueueId(2);
        h.setSysFlag(0);
        h.setBornTimestamp(1700000000123L);
        h.setFlag(0);
        h.setProperties(MessageDecoder.messageProperties2String(msg.getProperties()));
        h.setReconsumeTimes(0);
        h.setUnitMode(false);
        h.setBatch(false);
        h.setBname("broker-a"); // RpcRequestHeader: 4.9.x has only setBname; 5.x setBrokerName sets the same field
        return h;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("request-plain", "request without header, body or remark (GET_BROKER_CLUSTER_INFO, opaque 0)",
            () -> {
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_BROKER_CLUSTER_INFO, null);
                c.setOpaque(0);
                return c;
            }));
        cases.add(new Case("route-request", "GET_ROUTEINFO_BY_TOPIC topic TopicTest, opaque 12, version = jar CURRENT_VERSION",
            () -> {
                GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
                h.setTopic("TopicTest");
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h);
                c.setOpaque(12);
                c.setVersion(MQVersion.CURRENT_VERSION);
                return c;
            }));
        cases.add(new Case("route-request-v401", "GET_ROUTEINFO_BY_TOPIC with version 401 and opaque 7 (protocol.md 8.2)",
            () -> {
                GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
                h.setTopic("TopicTest");
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h);
                c.setOpaque(7);
                c.setVersion(401);
                return c;
            }));
        cases.add(new Case("update-offset-oneway", "UPDATE_CONSUMER_OFFSET marked oneway (flag 2), as RemoteBrokerOffsetStore"
            + " sends it with updateConsumerOffsetOneway", () -> {
                UpdateConsumerOffsetRequestHeader h = new UpdateConsumerOffsetRequestHeader();
                h.setConsumerGroup("cg1");
                h.setTopic("TopicTest");
                h.setQueueId(2);
                h.setCommitOffset(118L);
                h.setBname("broker-a");
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.UPDATE_CONSUMER_OFFSET, h);
                c.setOpaque(21);
                c.markOnewayRPC();
                return c;
            }));
        cases.add(new Case("send-v2", "SEND_MESSAGE_V2 as a " + Jar.LINE + " producer sends it (SendMessageRequestHeaderV2."
            + "createSendMessageRequestHeaderV2 of the v1 header), body \"Hello\"", () -> {
                SendMessageRequestHeaderV2 h = SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(sendHeaderV1());
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.SEND_MESSAGE_V2, h);
                c.setOpaque(42);
                c.setBody(Util.utf8("Hello"));
                return c;
            }));
        cases.add(new Case("send-v1-null-body", "SEND_MESSAGE (10) with the long-name SendMessageRequestHeader and body null",
            () -> {
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.SEND_MESSAGE, sendHeaderV1());
                c.setOpaque(43);
                return c;
            }));
        cases.add(new Case("send-v1-empty-body", "SEND_MESSAGE (10) with body = new byte[0]: no body bytes on the wire, and"
            + " decode gives body null", () -> {
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.SEND_MESSAGE, sendHeaderV1());
                c.setOpaque(44);
                c.setBody(new byte[0]);
                return c;
            }));
        cases.add(new Case("pull-request", "PULL_MESSAGE as PullAPIWrapper.pullKernelImpl fills it (protocol.md 8.5)",
            () -> {
                PullMessageRequestHeader h = new PullMessageRequestHeader();
                h.setConsumerGroup("g1");
                h.setTopic("TopicTest");
                h.setQueueId(2);
                h.setQueueOffset(118L);
                h.setMaxMsgNums(32);
                h.setSysFlag(3);
                h.setCommitOffset(118L);
                h.setSuspendTimeoutMillis(20000L);
                h.setSubscription("TagA || TagB");
                h.setSubVersion(1700000000000L);
                h.setExpressionType("TAG");
                Jar.pullRequestExtras(h);
                h.setBname("broker-a");
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.PULL_MESSAGE, h);
                c.setOpaque(50);
                return c;
            }));
        cases.add(new Case("send-response", "SUCCESS send response built like SendMessageProcessor: createResponseCommand("
            + "SendMessageResponseHeader.class), addExtField MSG_REGION/TRACE_ON, setCode(SUCCESS), setRemark(null), then"
            + " the header fields", () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(SendMessageResponseHeader.class);
                SendMessageResponseHeader h = (SendMessageResponseHeader) c.readCustomHeader();
                c.setOpaque(42);
                c.addExtField(MessageConst.PROPERTY_MSG_REGION, "DefaultRegion");
                c.addExtField(MessageConst.PROPERTY_TRACE_SWITCH, "true");
                c.setCode(ResponseCode.SUCCESS);
                c.setRemark(null);
                h.setMsgId("C0A8000200002A9F0000000000012A4C");
                h.setQueueId(2);
                h.setQueueOffset(118L);
                h.setTransactionId(UNIQ);
                return c;
            }));
        cases.add(new Case("pull-not-found", "PULL_NOT_FOUND response like PullMessageProcessor (remark = GetMessageStatus"
            + " name" + (Jar.V5 ? ", 5.x also sets topicSysFlag/groupSysFlag" : "") + ")", () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(PullMessageResponseHeader.class);
                PullMessageResponseHeader h = (PullMessageResponseHeader) c.readCustomHeader();
                c.setOpaque(50);
                c.setCode(ResponseCode.PULL_NOT_FOUND);
                c.setRemark("OFFSET_OVERFLOW_ONE");
                h.setSuggestWhichBrokerId(0L);
                h.setNextBeginOffset(118L);
                h.setMinOffset(0L);
                h.setMaxOffset(118L);
                Jar.pullResponseExtras(h);
                return c;
            }));
        cases.add(new Case("response-body-1000", "SUCCESS response with a 1000-byte body, byte i = i % 251", () -> {
            RemotingCommand c = RemotingCommand.createResponseCommand(ResponseCode.SUCCESS, null);
            c.setOpaque(60);
            byte[] body = new byte[1000];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (i % 251);
            }
            c.setBody(body);
            return c;
        }));
        cases.add(new Case("code-not-supported", "REQUEST_CODE_NOT_SUPPORTED as NettyRemotingAbstract answers an unknown code",
            () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(
                    RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED, " request type 9999 not supported");
                c.setOpaque(61);
                return c;
            }));
        cases.add(new Case("topic-not-exist", "TOPIC_NOT_EXIST as the NameServer answers GET_ROUTEINFO_BY_TOPIC for topic T"
            + " (remark built with the jar's FAQUrl.suggestTodo)", () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(null);
                c.setOpaque(62);
                c.setCode(ResponseCode.TOPIC_NOT_EXIST);
                c.setRemark("No topic route info in name server for the topic: T"
                    + FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL));
                return c;
            }));
        cases.add(new Case("remark-special", "SYSTEM_ERROR response whose remark holds U+0000..U+001F, U+007F, '\"', '\\\\',"
            + " '/', U+2028, U+2029, 中文, U+1F600 (surrogate pair) and é", () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(ResponseCode.SYSTEM_ERROR, SPECIAL);
                c.setOpaque(63);
                return c;
            }));
        cases.add(new Case("ext-special", "request whose extFields (addExtField) hold the same special string as value,"
            + " plus a non-ASCII key", () -> {
                RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, null);
                c.setOpaque(64);
                c.addExtField("special", SPECIAL);
                c.addExtField("键", "值");
                return c;
            }));
        cases.add(new Case("opaque-negative", "opaque -5", () -> {
            RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_BROKER_CLUSTER_INFO, null);
            c.setOpaque(-5);
            return c;
        }));
        cases.add(new Case("opaque-max", "opaque Integer.MAX_VALUE", () -> {
            RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_BROKER_CLUSTER_INFO, null);
            c.setOpaque(Integer.MAX_VALUE);
            return c;
        }));
        cases.add(new Case("language-go", "route request with language GO (9)", () -> {
            GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
            h.setTopic("TopicTest");
            RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h);
            c.setOpaque(1);
            c.setLanguage(LanguageCode.GO);
            c.setVersion(317);
            return c;
        }));
        cases.add(new Case("language-cpp", "route request with language CPP (1)", () -> {
            GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
            h.setTopic("TopicTest");
            RemotingCommand c = RemotingCommand.createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h);
            c.setOpaque(2);
            c.setLanguage(LanguageCode.CPP);
            return c;
        }));
        cases.add(new Case("pop-message-200050", "request code 200050 (POP_MESSAGE in 5.x"
            + (Jar.V5 ? "" : ", unknown to 4.9.x") + "); the binary header keeps only the"
            + " low 16 bits of the code", () -> {
                RemotingCommand c = RemotingCommand.createRequestCommand(200050, null);
                c.setOpaque(70);
                return c;
            }));
        cases.add(new Case("empty-remark-and-ext", "remark \"\" and extField k = \"\" (binary writes length 0 and decodes"
            + " both as null)", () -> {
                RemotingCommand c = RemotingCommand.createResponseCommand(ResponseCode.SUCCESS, "");
                c.setOpaque(71);
                c.addExtField("k", "");
                return c;
            }));
        return cases;
    }

    static void run(Path out) throws Exception {
        Path dir = out.resolve("commands");
        List<Object> index = new ArrayList<>();
        for (Case cs : cases()) {
            for (SerializeType st : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
                String file = cs.name + (st == SerializeType.JSON ? ".json-ser" : ".rmq-ser");
                RemotingCommand cmd = cs.builder.build();
                cmd.setSerializeTypeCurrentRPC(st);
                byte[] frame = Headers.frame(cmd);
                Util.writeBytes(dir.resolve(file + ".bin"), frame);
                Map<String, Object> manifest = manifest(frame, cs.note);
                Util.writeJson(dir.resolve(file + ".json"), manifest);
                index.add(m("name", file, "case", cs.name, "serializeType", st.name(), "note", cs.note));
            }
        }
        Util.writeJson(dir.resolve("index.json"), m(
            "note", "Frames written with RemotingCommand.fastEncodeHeader(Unpooled.buffer()) + body, as NettyEncoder"
                + " does. <name>.bin = the whole frame including the 4-byte total length. <name>.json = what"
                + " RemotingCommand.decode(frame without the length prefix) reads back, plus extKeyOrder (wire order"
                + " of the ext keys). See decode-probe.json for how Java parses hand-made headers.",
            "cases", index));
        CommandProbes.run(dir);
    }

    static LinkedHashMap<String, Object> manifest(byte[] frame, String note) {
        LinkedHashMap<String, Object> mf = new LinkedHashMap<>();
        boolean json = (frame[4] & 0xFF) == 0;
        try {
            RemotingCommand d = RemotingCommand.decode(Arrays.copyOfRange(frame, 4, frame.length));
            mf.put("serializeType", d.getSerializeTypeCurrentRPC() == null ? null : d.getSerializeTypeCurrentRPC().name());
            mf.put("code", d.getCode());
            mf.put("language", d.getLanguage() == null ? null : d.getLanguage().name());
            mf.put("version", d.getVersion());
            mf.put("opaque", d.getOpaque());
            mf.put("flag", d.getFlag());
            mf.put("remark", d.getRemark());
            mf.put("extFields", d.getExtFields() == null ? null : new TreeMap<>(nullSafe(d.getExtFields())));
            mf.put("body", Util.hex(d.getBody()));
        } catch (Throwable t) {
            mf.put("decodeError", Util.exceptionText(t));
        }
        mf.put("extKeyOrder", Util.keyOrder(frame, json));
        mf.put("frameLength", frame.length);
        mf.put("headerLength", ByteBuffer.wrap(frame).getInt(4) & 0xFFFFFF);
        if (json) {
            mf.put("headerText", Util.headerText(frame));
            mf.put("headerKeyOrder", Util.jsonTopKeyOrder(frame));
        }
        mf.put("note", note);
        return mf;
    }

    /** TreeMap refuses null keys; a binary key of length 0 decodes as null. */
    static Map<String, String> nullSafe(Map<String, String> in) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : in.entrySet()) {
            out.put(e.getKey() == null ? "<null key>" : e.getKey(), e.getValue());
        }
        return out;
    }
}
