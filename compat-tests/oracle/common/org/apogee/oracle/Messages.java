package org.apogee.oracle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;

import static org.apogee.oracle.Util.m;

/**
 * messages/: commit-log records (the store's own encoder, see Jar.StoreEncoder), batch bodies, properties strings, message ids and tag hashes.
 */
final class Messages {
    private Messages() {
    }

    static final String UNIQ = "C0A8000A30394A9A1F6D0B2E64000001";

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port); // IP literals only: no DNS lookup
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static final InetSocketAddress BORN_V4 = addr("192.168.0.10", 53872);
    static final InetSocketAddress STORE_V4 = addr("192.168.0.2", 10911);
    static final InetSocketAddress BORN_V6 = addr("2001:db8::10", 53872);
    static final InetSocketAddress STORE_V6 = addr("2001:db8::2", 10911);

    static String hostText(java.net.SocketAddress sa) {
        InetSocketAddress a = (InetSocketAddress) sa;
        String ip = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** Inputs of one stored record. */
    static final class Rec {
        String name;
        String note;
        String topic = "TopicTest";
        byte[] body = Util.utf8("Hello");
        int flag = 0;
        LinkedHashMap<String, String> props = new LinkedHashMap<>();
        int queueId = 2;
        int sysFlag = 0;
        long bornTs = 1700000000123L;
        long storeTs = 1700000000130L;
        InetSocketAddress born = BORN_V4;
        InetSocketAddress store = STORE_V4;
        int reconsume = 0;
        long prepOffset = 0;
        long queueOffset = 118;
        long phyOffset = 76364;

        Rec(String name, String note) {
            this.name = name;
            this.note = note;
            props.put(MessageConst.PROPERTY_TAGS, "A");
        }
    }

    static List<Rec> records() throws Exception {
        List<Rec> l = new ArrayList<>();
        l.add(new Rec("ipv4-basic", "protocol.md 8.6: topic TopicTest, body Hello, TAGS=A, IPv4 hosts"));

        Rec r = new Rec("keys-uniq-props", "TAGS, KEYS, UNIQ_KEY, WAIT, CLUSTER and user properties with non-ASCII"
            + " text and an empty value (the empty value is stored but dropped again by string2messageProperties)");
        r.props.put(MessageConst.PROPERTY_KEYS, "order-1 order-2");
        r.props.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, UNIQ);
        r.props.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "true");
        r.props.put(MessageConst.PROPERTY_CLUSTER, "DefaultCluster");
        r.props.put("city", "杭州");
        r.props.put("emoji", "\ud83d\ude00");
        r.props.put("emptyValue", "");
        l.add(r);

        r = new Rec("ipv6-born", "IPv6 born host (sysFlag 0x10, 16+4 byte BORNHOST)");
        r.born = BORN_V6;
        l.add(r);
        r = new Rec("ipv6-store", "IPv6 store host (sysFlag 0x20, 16+4 byte STOREHOST)");
        r.store = STORE_V6;
        l.add(r);
        r = new Rec("ipv6-both", "IPv6 born and store hosts (sysFlag 0x30)");
        r.born = BORN_V6;
        r.store = STORE_V6;
        l.add(r);

        byte[] plain = Util.utf8("Hello RocketMQ! ".repeat(20));
        r = new Rec("compressed-zlib-0x301", Jar.ZLIB_0X301_NOTE);
        r.body = Jar.compressZlib(plain);
        r.sysFlag = MessageSysFlag.COMPRESSED_FLAG | Jar.ZLIB_TYPE_BITS;
        l.add(r);
        r = new Rec("compressed-legacy-0x1", "body compressed like a 4.9.x/Go producer: UtilAll.compress level 5 (zlib),"
            + " sysFlag 0x1 only");
        r.body = UtilAll.compress(plain, 5);
        r.sysFlag = MessageSysFlag.COMPRESSED_FLAG;
        l.add(r);

        r = new Rec("transaction-prepared", "record with sysFlag PREPARED (0x4): DefaultAppendMessageCallback writes"
            + " QUEUEOFFSET 0 for PREPARED/ROLLBACK. (A real broker first rewrites half messages to"
            + " RMQ_SYS_TRANS_HALF_TOPIC with sysFlag NOT_TYPE, see TransactionalMessageBridge.parseHalfMessageInner.)");
        r.sysFlag = MessageSysFlag.TRANSACTION_PREPARED_TYPE;
        r.props.put(MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        r.props.put(MessageConst.PROPERTY_PRODUCER_GROUP, "pg");
        l.add(r);

        r = new Rec("commit-reconsume3", "COMMIT (0x8) record with reconsumeTimes 3 and preparedTransactionOffset 70000");
        r.sysFlag = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
        r.reconsume = 3;
        r.prepOffset = 70000;
        l.add(r);

        StringBuilder longTopic = new StringBuilder("%RETRY%");
        while (longTopic.length() < 200) {
            longTopic.append('g');
        }
        r = new Rec("long-topic-200", Jar.LONG_TOPIC_NOTE);
        r.topic = longTopic.toString();
        l.add(r);

        r = new Rec("empty-body", "0-byte body (BODYLENGTH 0, BODYCRC 0)");
        r.body = new byte[0];
        l.add(r);
        return l;
    }

    /** What CommitLog.asyncPutMessage + the store encoder + DefaultAppendMessageCallback.doAppend produce. */
    static byte[] store(Jar.StoreEncoder enc, Rec r) throws Exception {
        MessageExtBrokerInner msg = new MessageExtBrokerInner();
        msg.setTopic(r.topic);
        msg.setBody(r.body);
        msg.setFlag(r.flag);
        for (Map.Entry<String, String> e : r.props.entrySet()) {
            MessageAccessor.putProperty(msg, e.getKey(), e.getValue());
        }
        // SendMessageProcessor: propertiesString re-serialized from the (Hash)map
        msg.setPropertiesString(MessageDecoder.messageProperties2String(msg.getProperties()));
        msg.setQueueId(r.queueId);
        msg.setSysFlag(r.sysFlag);
        msg.setBornTimestamp(r.bornTs);
        msg.setBornHost(r.born);
        msg.setStoreHost(r.store);
        msg.setReconsumeTimes(r.reconsume);
        msg.setPreparedTransactionOffset(r.prepOffset);
        msg.setQueueOffset(r.queueOffset);
        // CommitLog.asyncPutMessage
        msg.setStoreTimestamp(r.storeTs);
        msg.setBodyCRC(UtilAll.crc32(msg.getBody()));
        Jar.pickMessageVersion(msg);
        if (((InetSocketAddress) msg.getBornHost()).getAddress() instanceof Inet6Address) {
            msg.setBornHostV6Flag();
        }
        if (((InetSocketAddress) msg.getStoreHost()).getAddress() instanceof Inet6Address) {
            msg.setStoreHostAddressV6Flag();
        }
        ByteBuffer buf = enc.encode(msg);
        // DefaultAppendMessageCallback.doAppend: patch queue offset, physical offset and store timestamp
        int msgLen = buf.getInt(0);
        int tranType = MessageSysFlag.getTransactionValue(msg.getSysFlag());
        long queueOffset = tranType == MessageSysFlag.TRANSACTION_PREPARED_TYPE
            || tranType == MessageSysFlag.TRANSACTION_ROLLBACK_TYPE ? 0L : r.queueOffset;
        int pos = 4 + 4 + 4 + 4 + 4;
        buf.putLong(pos, queueOffset);
        pos += 8;
        buf.putLong(pos, r.phyOffset);
        pos += 8;
        int ipLen = (msg.getSysFlag() & MessageSysFlag.BORNHOST_V6_FLAG) == 0 ? 4 + 4 : 16 + 4;
        pos += 4 + 8 + ipLen;
        buf.putLong(pos, msg.getStoreTimestamp());
        byte[] out = new byte[msgLen];
        buf.position(0);
        buf.get(out);
        return out;
    }

    static LinkedHashMap<String, Object> describeStored(byte[] bytes) {
        LinkedHashMap<String, Object> d = new LinkedHashMap<>();
        int magic = ByteBuffer.wrap(bytes).getInt(4);
        d.put("magicCode", magic);
        d.put("magicCodeHex", String.format("%08X", magic));
        MessageExt e = MessageDecoder.decode(ByteBuffer.wrap(bytes), true, false);
        if (e == null) {
            d.put("decoded", null);
            d.put("decodeNote", "MessageDecoder.decode returned null (it swallows exceptions)");
            return d;
        }
        d.put("storeSize", e.getStoreSize());
        d.put("bodyCRC", e.getBodyCRC());
        d.put("bodyCrcMatches", e.getBody() != null ? UtilAll.crc32(e.getBody()) == e.getBodyCRC() : e.getBodyCRC() == 0);
        d.put("queueId", e.getQueueId());
        d.put("flag", e.getFlag());
        d.put("queueOffset", e.getQueueOffset());
        d.put("commitLogOffset", e.getCommitLogOffset());
        d.put("sysFlag", e.getSysFlag());
        d.put("bornTimestamp", e.getBornTimestamp());
        d.put("bornHost", hostText(e.getBornHost()));
        d.put("storeTimestamp", e.getStoreTimestamp());
        d.put("storeHost", hostText(e.getStoreHost()));
        d.put("reconsumeTimes", e.getReconsumeTimes());
        d.put("preparedTransactionOffset", e.getPreparedTransactionOffset());
        d.put("body", Util.hex(e.getBody()));
        d.put("topic", e.getTopic());
        d.put("properties", new TreeMap<>(e.getProperties()));
        d.put("msgId", e.getMsgId());
        MessageExt c = MessageDecoder.decode(ByteBuffer.wrap(bytes), true, true, true);
        d.put("clientMsgId", c == null ? null : c.getMsgId());
        if ((e.getSysFlag() & MessageSysFlag.COMPRESSED_FLAG) != 0) {
            d.put("decompressedBody", c == null ? null : Util.hex(c.getBody()));
            d.put("decompressedBodyUtf8", c == null ? null : new String(c.getBody(), MessageDecoder.CHARSET_UTF8));
            d.put("sysFlagAfterDecompress", c == null ? null : c.getSysFlag());
        }
        return d;
    }

    static void run(Path out) throws Exception {
        Path dir = out.resolve("messages");
        Jar.StoreEncoder enc = new Jar.StoreEncoder();
        List<Object> index = new ArrayList<>();
        for (Rec r : records()) {
            byte[] bytes = store(enc, r);
            Util.writeBytes(dir.resolve(r.name + ".bin"), bytes);
            LinkedHashMap<String, Object> mf = new LinkedHashMap<>();
            mf.put("note", r.note);
            mf.put("input", m("topic", r.topic, "body", Util.hex(r.body), "flag", r.flag, "properties",
                new ArrayList<>(r.props.entrySet().stream().map(en -> Arrays.asList(en.getKey(), en.getValue())).toList()),
                "queueId", r.queueId, "sysFlag", r.sysFlag, "bornTimestamp", r.bornTs, "bornHost", hostText(r.born),
                "storeTimestamp", r.storeTs, "storeHost", hostText(r.store), "reconsumeTimes", r.reconsume,
                "preparedTransactionOffset", r.prepOffset, "queueOffset", r.queueOffset, "physicalOffset", r.phyOffset));
            mf.put("length", bytes.length);
            mf.put("decoded", describeStored(bytes));
            Util.writeJson(dir.resolve(r.name + ".json"), mf);
            index.add(m("name", r.name, "note", r.note));
        }
        batch(dir);
        properties(dir);
        MessageIds.ids(dir);
        MessageIds.tags(dir);
        Util.writeJson(dir.resolve("index.json"), m(
            "note", Jar.STORE_NOTE + " and the three patches DefaultAppendMessageCallback.doAppend makes (QUEUEOFFSET, 0 for"
                + " PREPARED/ROLLBACK; PHYSICALOFFSET; STORETIMESTAMP). decoded = MessageDecoder.decode(buf, readBody=true,"
                + " deCompressBody=false); clientMsgId/decompressedBody from decode(buf, true, true, isClient=true)."
                + " Hosts are written ip:port, IPv6 as [ip]:port with Java's getHostAddress() text.",
            "records", index,
            "others", Arrays.asList("batch-3.bin/.json", "batch-single.bin/.json", "properties.json", "ids.json",
                "tags.json")));
    }

    // ------------------------------------------------------------------ batch

    static List<Message> batchMessages() {
        List<Message> msgs = new ArrayList<>();
        Message m1 = new Message("TopicTest", "TagA", "k1", Util.utf8("batch-body-1"));
        MessageAccessor.putProperty(m1, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "C0A8000A30394A9A1F6D0B2E64000010");
        msgs.add(m1);
        Message m2 = new Message("TopicTest", "TagB", "k2 k3", Util.utf8("第二条消息"));
        m2.setFlag(7);
        m2.putUserProperty("color", "红");
        MessageAccessor.putProperty(m2, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "C0A8000A30394A9A1F6D0B2E64000011");
        msgs.add(m2);
        byte[] b3 = new byte[300];
        for (int i = 0; i < b3.length; i++) {
            b3[i] = (byte) (i * 7);
        }
        Message m3 = new Message("TopicTest", b3);
        m3.setFlag(Integer.MAX_VALUE);
        m3.setWaitStoreMsgOK(false);
        MessageAccessor.putProperty(m3, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "C0A8000A30394A9A1F6D0B2E64000012");
        msgs.add(m3);
        return msgs;
    }

    static Object describeInputs(List<Message> msgs) {
        List<Object> l = new ArrayList<>();
        for (Message msg : msgs) {
            l.add(m("flag", msg.getFlag(), "body", Util.hex(msg.getBody()),
                "propertiesString", MessageDecoder.messageProperties2String(msg.getProperties()),
                "properties", new TreeMap<>(msg.getProperties())));
        }
        return l;
    }

    static Object decodeBatch(byte[] bytes) {
        try {
            List<Object> l = new ArrayList<>();
            for (Message msg : MessageDecoder.decodeMessages(ByteBuffer.wrap(bytes))) {
                l.add(m("flag", msg.getFlag(), "body", Util.hex(msg.getBody()),
                    "properties", new TreeMap<>(msg.getProperties())));
            }
            return l;
        } catch (Exception e) {
            return m("error", Util.exceptionText(e));
        }
    }

    static void batch(Path dir) {
        List<Message> msgs = batchMessages();
        byte[] all = MessageDecoder.encodeMessages(msgs);
        Util.writeBytes(dir.resolve("batch-3.bin"), all);
        Util.writeJson(dir.resolve("batch-3.json"), m(
            "note", "SEND_BATCH_MESSAGE body as the client builds it: MessageDecoder.encodeMessages(list) (what"
                + " MessageBatch.encode() calls). Each message: new Message(topic, tags, keys, body) (+flag/user"
                + " property) and UNIQ_KEY set explicitly (the client uses MessageClientIDSetter.setUniqID)."
                + " decoded = MessageDecoder.decodeMessages(buf).",
            "input", describeInputs(msgs), "length", all.length, "decoded", decodeBatch(all)));
        byte[] one = MessageDecoder.encodeMessage(msgs.get(1));
        Util.writeBytes(dir.resolve("batch-single.bin"), one);
        Util.writeJson(dir.resolve("batch-single.json"), m(
            "note", "MessageDecoder.encodeMessage(message 2 of batch-3) - one element of a batch body",
            "input", describeInputs(msgs.subList(1, 2)), "length", one.length, "decoded", decodeBatch(one)));
    }

    // ------------------------------------------------------------------ properties

    static void properties(Path dir) {
        List<Object> enc = new ArrayList<>();
        String[][][] maps = {
            {{"TAGS", "A"}},
            {{"TAGS", "TagA"}, {"KEYS", "order-1"}, {"WAIT", "true"}, {"UNIQ_KEY", UNIQ}},
            {{"a", ""}, {"b", "x"}},
            {{"k", null}, {"n", "1"}},
            {{"城市", "杭州"}, {"emoji", "\ud83d\ude00"}},
            {{"x\u0001y", "v"}, {"k", "v\u0002w"}},
        };
        for (String[][] kv : maps) {
            HashMap<String, String> map = new HashMap<>();
            List<Object> input = new ArrayList<>();
            for (String[] p : kv) {
                map.put(p[0], p[1]);
                input.add(Arrays.asList(p[0], p[1]));
            }
            String s = MessageDecoder.messageProperties2String(map);
            enc.add(m("inputHashMapInsertion", input, "string", s, "utf8Hex", Util.hex(Util.utf8(s)),
                "decodedBack", new TreeMap<>(MessageDecoder.string2messageProperties(s))));
        }
        String[] inputs = {
            "", "TAGS\u0001A", "TAGS\u0001A\u0002", "TAGS\u0001A\u0002\u0002", "a\u0001\u0002", "\u0001v\u0002",
            "ab\u0002", "k\u0001v\u0001w\u0002", "k\u0001v\u0002garbage", "x\u0001y\u0002k\u0001", "ab", "a\u0001b",
            "\u0002\u0002k\u0001v\u0002", "k\u0001v\u0002k\u0001w\u0002", "k\u0001\u0002v\u0002", "中\u0001文\u0002",
        };
        List<Object> dec = new ArrayList<>();
        for (String s : inputs) {
            dec.add(m("input", s, "utf8Hex", Util.hex(Util.utf8(s)),
                "result", new TreeMap<>(MessageDecoder.string2messageProperties(s))));
        }
        Util.writeJson(dir.resolve("properties.json"), m(
            "note", "encode: MessageDecoder.messageProperties2String(HashMap built from the pairs in the given order;"
                + " the output order is HashMap order). decode: MessageDecoder.string2messageProperties.",
            "encode", enc, "decode", dec));
    }
}
