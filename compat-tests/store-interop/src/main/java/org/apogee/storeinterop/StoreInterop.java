package org.apogee.storeinterop;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.PutMessageStatus;
import org.apache.rocketmq.store.QueryMessageResult;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

/**
 * Drives the official DefaultMessageStore (rocketmq-store 5.5.0) on a store directory, for the Apogee store interop
 * test. Prints one "RESULT {json}" line per fact the test checks; everything else on stdout is log noise.
 *
 *   write DIR COUNT clean|kill   put COUNT messages to JavaTopic (4 queues) and 2 to SCHEDULE_TOPIC_XXXX, then shut
 *                                down cleanly, or halt the JVM without shutdown (the abort file stays: a killed broker)
 *   read DIR TOPIC QUEUES [clean|kill]  open (recovering), read every message of TOPIC queues 0..QUEUES-1, query
 *                                keys (-DqueryKeys=a,b), append one message per queue, shut down cleanly or halt
 *
 * Store settings come from system properties (-DmappedFileSizeCommitLog=... etc.) so that both sides agree.
 */
public class StoreInterop {
    static MessageStoreConfig config(String dir) {
        MessageStoreConfig c = new MessageStoreConfig();
        c.setStorePathRootDir(dir);
        c.setStorePathCommitLog(dir + "/commitlog");
        c.setMappedFileSizeCommitLog(Integer.getInteger("mappedFileSizeCommitLog", 256 * 1024));
        c.setMappedFileSizeConsumeQueue(Integer.getInteger("mappedFileSizeConsumeQueue", 20 * 500));
        c.setMaxHashSlotNum(Integer.getInteger("maxHashSlotNum", 1000));
        c.setMaxIndexNum(Integer.getInteger("maxIndexNum", 4000));
        c.setFlushDiskType(FlushDiskType.valueOf(System.getProperty("flushDiskType", "SYNC_FLUSH")));
        c.setHaListenPort(0);
        return c;
    }

    static DefaultMessageStore open(String dir) throws Exception {
        BrokerConfig bc = new BrokerConfig();
        DefaultMessageStore store = new DefaultMessageStore(config(dir), new BrokerStatsManager("interop", true), null, bc, new ConcurrentHashMap<>());
        if (!store.load()) throw new IllegalStateException("load failed");
        store.start();
        return store;
    }

    static void waitReput(DefaultMessageStore store) throws InterruptedException {
        for (int i = 0; i < 300 && store.dispatchBehindBytes() > 0; i++) Thread.sleep(10);
    }

    static String json(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append('"').append(kv[i]).append("\":");
            Object v = kv[i + 1];
            if (v instanceof String) sb.append('"').append(((String) v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            else sb.append(v);
        }
        return sb.append('}').toString();
    }

    static void result(Object... kv) {
        System.out.println("RESULT " + json(kv));
    }

    static MessageExtBrokerInner message(String topic, int queueId, String body, String tags, String keys, String uniq, String delay) {
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic(topic);
        m.setQueueId(queueId);
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
        m.setTags(tags);
        m.setKeys(keys);
        MessageAccessor.putProperty(m, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq);
        if (delay != null) MessageAccessor.putProperty(m, MessageConst.PROPERTY_DELAY_TIME_LEVEL, delay);
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode(tags));
        m.setBornTimestamp(System.currentTimeMillis());
        m.setBornHost(new InetSocketAddress("127.0.0.1", 40000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        m.setPropertiesString(MessageDecoder.messageProperties2String(m.getProperties()));
        return m;
    }

    static String body(int i) {
        StringBuilder sb = new StringBuilder("java-body-" + i + ":");
        for (int k = 0; k < (i * 37) % 700; k++) sb.append((char) ('a' + (k % 26)));
        return sb.toString();
    }

    static void write(String dir, int count, boolean clean) throws Exception {
        DefaultMessageStore store = open(dir);
        for (int i = 0; i < count; i++) {
            PutMessageResult r = store.putMessage(message("JavaTopic", i % 4, body(i), "Tag" + (i % 3), "JK" + i + " shared", "JU" + i, null));
            if (r.getPutMessageStatus() != PutMessageStatus.PUT_OK) throw new IllegalStateException(r.toString());
            result("kind", "put", "uniq", "JU" + i, "queueId", i % 4, "queueOffset", r.getAppendMessageResult().getLogicsOffset(),
                "phy", r.getAppendMessageResult().getWroteOffset(), "size", r.getAppendMessageResult().getWroteBytes(),
                "storeTimestamp", r.getAppendMessageResult().getStoreTimestamp());
        }
        for (int i = 0; i < 2; i++) {
            PutMessageResult r = store.putMessage(message("SCHEDULE_TOPIC_XXXX", 2, "delayed-" + i, "D", "DK" + i, "DU" + i, "3"));
            result("kind", "put", "uniq", "DU" + i, "queueId", 2, "queueOffset", r.getAppendMessageResult().getLogicsOffset(),
                "phy", r.getAppendMessageResult().getWroteOffset(), "size", r.getAppendMessageResult().getWroteBytes(),
                "storeTimestamp", r.getAppendMessageResult().getStoreTimestamp());
        }
        waitReput(store);
        result("kind", "maxPhy", "value", store.getMaxPhyOffset());
        if (clean) {
            store.shutdown();
            result("kind", "done");
        } else {
            // Give the flush services a moment, then die like kill -9 (no shutdown hooks, abort file kept).
            Thread.sleep(200);
            result("kind", "done");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    static void read(String dir, String topic, int queues, boolean clean) throws Exception {
        DefaultMessageStore store = open(dir);
        waitReput(store);
        for (int q = 0; q < queues; q++) {
            long min = store.getMinOffsetInQueue(topic, q);
            long max = store.getMaxOffsetInQueue(topic, q);
            result("kind", "queue", "queueId", q, "min", min, "max", max);
            long offset = min;
            while (offset < max) {
                GetMessageResult g = store.getMessage("interop", topic, q, offset, 32, null);
                if (g == null || g.getMessageBufferList().isEmpty()) {
                    result("kind", "error", "queueId", q, "offset", offset, "status", g == null ? "null" : g.getStatus().name());
                    break;
                }
                List<ByteBuffer> bufs = g.getMessageBufferList();
                for (ByteBuffer b : bufs) {
                    MessageExt m = MessageDecoder.decode(b, true, true);
                    result("kind", "msg", "queueId", m.getQueueId(), "queueOffset", m.getQueueOffset(), "phy", m.getCommitLogOffset(),
                        "uniq", m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), "tags", m.getTags() == null ? "" : m.getTags(),
                        "keys", m.getKeys() == null ? "" : m.getKeys(), "storeTimestamp", m.getStoreTimestamp(), "bodyCrc", m.getBodyCRC(),
                        "body", new String(m.getBody(), StandardCharsets.UTF_8));
                }
                offset = g.getNextBeginOffset();
                g.release();
            }
        }
        for (String key : System.getProperty("queryKeys", "").split(",")) {
            if (key.isEmpty()) continue;
            QueryMessageResult qr = store.queryMessage(topic, key, 32, 0, Long.MAX_VALUE);
            List<String> ids = new ArrayList<>();
            for (ByteBuffer b : qr.getMessageBufferList()) ids.add(MessageDecoder.decode(b).getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
            result("kind", "query", "key", key, "uniqs", String.join(",", ids));
            qr.release();
        }
        for (int q = 0; q < queues; q++) {
            PutMessageResult r = store.putMessage(message(topic, q, "appended-by-java-" + q, "TagJ", "JA" + q, "JA" + q, null));
            result("kind", "append", "uniq", "JA" + q, "queueId", q, "queueOffset", r.getAppendMessageResult().getLogicsOffset(),
                "phy", r.getAppendMessageResult().getWroteOffset(), "status", r.getPutMessageStatus().name());
        }
        waitReput(store);
        if (clean) {
            store.shutdown();
            result("kind", "done");
        } else {
            Thread.sleep(200);
            result("kind", "done");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.exit(0);
    }

    static void run(String[] args) throws Exception {
        switch (args[0]) {
            case "write":
                write(args[1], Integer.parseInt(args[2]), "clean".equals(args[3]));
                break;
            case "read":
                read(args[1], args[2], Integer.parseInt(args[3]), args.length < 5 || "clean".equals(args[4]));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }
}
