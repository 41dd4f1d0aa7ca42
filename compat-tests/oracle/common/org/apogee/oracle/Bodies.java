package org.apogee.oracle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Inflater;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.CheckClientRequestBody;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.Connection;
import org.apache.rocketmq.remoting.protocol.body.ConsumeStatus;
import org.apache.rocketmq.remoting.protocol.body.ConsumerConnection;
import org.apache.rocketmq.remoting.protocol.body.ConsumerOffsetSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.remoting.protocol.body.GroupList;
import org.apache.rocketmq.remoting.protocol.body.KVTable;
import org.apache.rocketmq.remoting.protocol.body.LockBatchRequestBody;
import org.apache.rocketmq.remoting.protocol.body.LockBatchResponseBody;
import org.apache.rocketmq.remoting.protocol.body.ProcessQueueInfo;
import org.apache.rocketmq.remoting.protocol.body.ProducerConnection;
import org.apache.rocketmq.remoting.protocol.body.QueryConsumeTimeSpanBody;
import org.apache.rocketmq.remoting.protocol.body.QueueTimeSpan;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.body.ResetOffsetBody;
import org.apache.rocketmq.remoting.protocol.body.SubscriptionGroupWrapper;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.TopicList;
import org.apache.rocketmq.remoting.protocol.body.UnlockBatchRequestBody;
import org.apache.rocketmq.remoting.protocol.filter.FilterAPI;
import org.apache.rocketmq.remoting.protocol.header.GetConsumerListByGroupResponseBody;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumeType;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.remoting.protocol.heartbeat.ProducerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;

import static org.apogee.oracle.Util.m;

/**
 * bodies/: JSON (and compressed) bodies exactly as the jars produce them, plus parse probes.
 */
final class Bodies {
    private Bodies() {
    }

    static final long TS = 1700000000000L;
    static final List<Object> INDEX = new ArrayList<>();

    static void write(Path dir, String name, Object input, byte[] bytes, String encoder, String note) {
        Util.writeBytes(dir.resolve(name + ".json"), bytes);
        Util.writeJson(dir.resolve(name + ".manifest.json"), m(
            "class", input.getClass().getName(),
            "encoder", encoder,
            "note", note,
            "input", Util.describe(input)));
        INDEX.add(m("name", name, "class", input.getClass().getSimpleName(), "encoder", encoder));
    }

    static DataVersion dataVersion(long counter) {
        DataVersion dv = new DataVersion();
        Jar.fixDataVersion(dv);
        dv.setTimestamp(TS);
        dv.setCounter(new AtomicLong(counter));
        return dv;
    }

    static MessageQueue mq(String topic, String broker, int q) {
        return new MessageQueue(topic, broker, q);
    }

    static BrokerData brokerData(String name, String master, String slave) {
        HashMap<Long, String> addrs = new HashMap<>();
        addrs.put(0L, master);
        addrs.put(1L, slave);
        return new BrokerData("DefaultCluster", name, addrs);
    }

    static QueueData queueData(String broker, int r, int w) {
        QueueData q = new QueueData();
        q.setBrokerName(broker);
        q.setReadQueueNums(r);
        q.setWriteQueueNums(w);
        q.setPerm(6);
        q.setTopicSysFlag(0);
        return q;
    }

    static TopicRouteData route(String orderConf) {
        TopicRouteData rd = new TopicRouteData();
        rd.setBrokerDatas(new ArrayList<>(Arrays.asList(brokerData("broker-a", "192.168.0.2:10911", "192.168.0.3:10911"),
            brokerData("broker-b", "192.168.0.4:10911", "192.168.0.5:10911"))));
        rd.setQueueDatas(new ArrayList<>(Arrays.asList(queueData("broker-a", 4, 4), queueData("broker-b", 8, 8))));
        rd.setFilterServerTable(new HashMap<>());
        rd.setOrderTopicConf(orderConf);
        return rd;
    }

    static SubscriptionData subscription(String topic, String sub) throws Exception {
        SubscriptionData sd = FilterAPI.buildSubscriptionData(topic, sub);
        sd.setSubVersion(TS); // buildSubscriptionData stamps System.currentTimeMillis()
        return sd;
    }

    static TopicConfig topicConfig(String name, int q, int perm) {
        return new TopicConfig(name, q, q, perm);
    }

    static Connection connection(String id, String addr, LanguageCode lang, int version) {
        Connection c = new Connection();
        c.setClientId(id);
        c.setClientAddr(addr);
        c.setLanguage(lang);
        c.setVersion(version);
        return c;
    }

    static byte[] inflate(byte[] data) throws Exception {
        Inflater inf = new Inflater();
        inf.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!inf.finished()) {
            int n = inf.inflate(buf);
            if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                break;
            }
            out.write(buf, 0, n);
        }
        inf.end();
        return out.toByteArray();
    }

    static void run(Path out) throws Exception {
        Path dir = out.resolve("bodies");
        INDEX.clear();
        final String std = Jar.ROUTE_STANDARD_CALL;
        final String stdNote = Jar.ROUTE_STANDARD_NOTE;
        final String legacyNote = Jar.ROUTE_LEGACY_NOTE;

        TopicRouteData rd = route(null);
        write(dir, "topic-route.standard", rd,
            Jar.routeStandard(rd), std, stdNote);
        write(dir, "topic-route.legacy", rd, rd.encode(), "TopicRouteData.encode()", legacyNote);
        Util.writeBytes(dir.resolve("topic-route.pretty.json"), rd.toJson(true).getBytes(StandardCharsets.UTF_8));
        INDEX.add(m("name", "topic-route.pretty", "class", "TopicRouteData", "encoder",
            "TopicRouteData.toJson(true) (what mqadmin topicRoute prints); same input as topic-route.standard"));
        TopicRouteData rdo = route("broker-a:4;broker-b:8");
        write(dir, "topic-route-order.standard", rdo,
            Jar.routeStandard(rdo), std,
            stdNote + "; orderTopicConf set");
        write(dir, "topic-route-order.legacy", rdo, rdo.encode(), "TopicRouteData.encode()",
            legacyNote + "; orderTopicConf set");

        ClusterInfo ci = new ClusterInfo();
        HashMap<String, BrokerData> bat = new HashMap<>();
        bat.put("broker-a", brokerData("broker-a", "192.168.0.2:10911", "192.168.0.3:10911"));
        bat.put("broker-b", brokerData("broker-b", "192.168.0.4:10911", "192.168.0.5:10911"));
        ci.setBrokerAddrTable(bat);
        HashMap<String, java.util.Set<String>> cat = new HashMap<>();
        cat.put("DefaultCluster", new HashSet<>(Arrays.asList("broker-a", "broker-b")));
        ci.setClusterAddrTable(cat);
        write(dir, "cluster-info", ci, ci.encode(), "ClusterInfo.encode()", "GET_BROKER_CLUSTER_INFO body");

        ConcurrentHashMap<String, TopicConfig> topics = new ConcurrentHashMap<>();
        topics.put("TopicTest", topicConfig("TopicTest", 4, 6));
        topics.put("TBW102", topicConfig("TBW102", 8, 7));
        topics.put("%RETRY%cg1", topicConfig("%RETRY%cg1", 1, 6));
        TopicConfigSerializeWrapper tw = Jar.registerBrokerWrapper();
        tw.setTopicConfigTable(topics);
        tw.setDataVersion(dataVersion(7));
        RegisterBrokerBody rb = new RegisterBrokerBody();
        Jar.setTopicConfigWrapper(rb, tw);
        rb.setFilterServerList(new ArrayList<>());
        write(dir, "register-broker-body", rb, rb.encode(false), "RegisterBrokerBody.encode(false)",
            "REGISTER_BROKER body (compressed=false, the default) as BrokerOuterAPI.registerBrokerAll sends it");
        byte[] compressed = rb.encode(true);
        Util.writeBytes(dir.resolve("register-broker-body.compressed.bin"), compressed);
        byte[] inflated = inflate(compressed);
        Util.writeBytes(dir.resolve("register-broker-body.compressed.inflated.bin"), inflated);
        Object decodedBack;
        try {
            RegisterBrokerBody back = Jar.decodeRegisterBroker(compressed);
            decodedBack = new String(back.encode(false), StandardCharsets.UTF_8);
        } catch (Exception e) {
            decodedBack = "error: " + Util.exceptionText(e);
        }
        Util.writeJson(dir.resolve("register-broker-body.compressed.manifest.json"), m(
            "class", RegisterBrokerBody.class.getName(),
            "encoder", "RegisterBrokerBody.encode(true)",
            "note", "compressed REGISTER_BROKER body (a Deflater stream, BEST_COMPRESSION). .inflated.bin is the"
                + " inflated payload (java.util.zip.Inflater), so a parser can be tested without depending on zlib's"
                + " exact output. " + Jar.REGISTER_DECODE_NOTE,
            "compressedLength", compressed.length,
            "inflatedLength", inflated.length,
            "decodedBackAsJson", decodedBack,
            "input", Util.describe(rb)));
        INDEX.add(m("name", "register-broker-body.compressed", "class", "RegisterBrokerBody", "encoder",
            "RegisterBrokerBody.encode(true) -> .bin and .inflated.bin"));

        TopicConfigSerializeWrapper tcw = new TopicConfigSerializeWrapper();
        tcw.setTopicConfigTable(topics);
        tcw.setDataVersion(dataVersion(7));
        write(dir, "topic-config-wrapper", tcw, tcw.encode(), "TopicConfigSerializeWrapper.encode()",
            Jar.V5 ? "plain TopicConfigSerializeWrapper (the 4.x shape; 5.x GET_ALL_TOPIC_CONFIG answers with the"
                + " AndMapping subclass seen inside register-broker-body)" : "TopicConfigSerializeWrapper (GET_ALL_TOPIC_CONFIG body shape)");

        HeartbeatData hb = new HeartbeatData();
        hb.setClientID("192.168.0.10@12345#1700000000000");
        LinkedHashSet<ProducerData> pds = new LinkedHashSet<>();
        for (String g : new String[] {"pg1", "CLIENT_INNER_PRODUCER"}) {
            ProducerData pd = new ProducerData();
            pd.setGroupName(g);
            pds.add(pd);
        }
        hb.setProducerDataSet(pds);
        ConsumerData cd = new ConsumerData();
        cd.setGroupName("cg1");
        cd.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
        cd.setMessageModel(MessageModel.CLUSTERING);
        cd.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        cd.setUnitMode(false);
        LinkedHashSet<SubscriptionData> subs = new LinkedHashSet<>();
        subs.add(subscription("TopicTest", "TagA || TagB"));
        subs.add(subscription("%RETRY%cg1", "*"));
        cd.setSubscriptionDataSet(subs);
        LinkedHashSet<ConsumerData> cds = new LinkedHashSet<>();
        cds.add(cd);
        hb.setConsumerDataSet(cds);
        write(dir, "heartbeat", hb, hb.encode(), "HeartbeatData.encode()",
            "HEART_BEAT body as MQClientInstance sends it. Sets are LinkedHashSet here for determinism (the client"
                + " uses HashSets of objects with identity hashCodes, so its element order is arbitrary).");

        ConsumerConnection cc = new ConsumerConnection();
        HashSet<Connection> conns = new LinkedHashSet<>();
        conns.add(connection("192.168.0.10@12345", "192.168.0.10:53872", LanguageCode.JAVA, MQVersion.CURRENT_VERSION));
        conns.add(connection("192.168.0.11@23456", "192.168.0.11:40000", LanguageCode.GO, 317));
        cc.setConnectionSet(conns);
        ConcurrentHashMap<String, SubscriptionData> st = new ConcurrentHashMap<>();
        st.put("TopicTest", subscription("TopicTest", "TagA || TagB"));
        cc.setSubscriptionTable(st);
        cc.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
        cc.setMessageModel(MessageModel.CLUSTERING);
        cc.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        write(dir, "consumer-connection", cc, cc.encode(), "ConsumerConnection.encode()",
            "GET_CONSUMER_CONNECTION_LIST body (connectionSet is a LinkedHashSet here for determinism)");

        ConsumeStats cs = new ConsumeStats();
        for (int q = 0; q < 3; q++) {
            OffsetWrapper ow = new OffsetWrapper();
            ow.setBrokerOffset(100 + q);
            ow.setConsumerOffset(90 + q);
            Jar.setPullOffset(ow, 95 + q);
            ow.setLastTimestamp(TS + q);
            cs.getOffsetTable().put(mq("TopicTest", "broker-a", q), ow);
        }
        cs.setConsumeTps(1.5);
        write(dir, "consume-stats", cs, cs.encode(), "ConsumeStats.encode()",
            "GET_CONSUME_STATS body: offsetTable keyed by MessageQueue objects");

        TopicStatsTable tst = new TopicStatsTable();
        for (int q = 0; q < 2; q++) {
            TopicOffset to = new TopicOffset();
            to.setMinOffset(q);
            to.setMaxOffset(118 + q);
            to.setLastUpdateTimestamp(TS + q);
            tst.getOffsetTable().put(mq("TopicTest", "broker-a", q), to);
        }
        write(dir, "topic-stats-table", tst, tst.encode(), "TopicStatsTable.encode()",
            "GET_TOPIC_STATS_INFO body: offsetTable keyed by MessageQueue objects");

        KVTable kv = new KVTable();
        HashMap<String, String> table = new HashMap<>();
        table.put("TopicTest", "broker-a:4;broker-b:8");
        table.put("key with space", "値");
        kv.setTable(table);
        write(dir, "kv-table", kv, kv.encode(), "KVTable.encode()", "GET_KVLIST_BY_NAMESPACE body");

        TopicList tl = new TopicList();
        tl.setTopicList(new HashSet<>(Arrays.asList("TopicTest", "TBW102", "%RETRY%cg1")));
        write(dir, "topic-list", tl, tl.encode(), "TopicList.encode()",
            "GET_ALL_TOPIC_LIST_FROM_NAMESERVER body (brokerAddr null)");

        GetConsumerListByGroupResponseBody cl = new GetConsumerListByGroupResponseBody();
        cl.setConsumerIdList(new ArrayList<>(Arrays.asList("192.168.0.10@12345", "192.168.0.11@23456")));
        write(dir, "consumer-list-by-group", cl, cl.encode(), "GetConsumerListByGroupResponseBody.encode()",
            "GET_CONSUMER_LIST_BY_GROUP response body");

        HashSet<MessageQueue> mqs = new HashSet<>(Arrays.asList(mq("TopicTest", "broker-a", 0),
            mq("TopicTest", "broker-a", 1)));
        LockBatchRequestBody lbr = new LockBatchRequestBody();
        lbr.setConsumerGroup("cg1");
        lbr.setClientId("192.168.0.10@12345");
        lbr.setMqSet(mqs);
        write(dir, "lock-batch-request", lbr, lbr.encode(), "LockBatchRequestBody.encode()", "LOCK_BATCH_MQ request body");
        LockBatchResponseBody lbs = new LockBatchResponseBody();
        lbs.setLockOKMQSet(mqs);
        write(dir, "lock-batch-response", lbs, lbs.encode(), "LockBatchResponseBody.encode()",
            "LOCK_BATCH_MQ response body");
        UnlockBatchRequestBody ubr = new UnlockBatchRequestBody();
        ubr.setConsumerGroup("cg1");
        ubr.setClientId("192.168.0.10@12345");
        ubr.setMqSet(mqs);
        write(dir, "unlock-batch-request", ubr, ubr.encode(), "UnlockBatchRequestBody.encode()",
            "UNLOCK_BATCH_MQ request body");

        SubscriptionGroupConfig sgc = new SubscriptionGroupConfig();
        sgc.setGroupName("cg1");
        write(dir, "subscription-group-config", sgc, RemotingSerializable.encode(sgc),
            "RemotingSerializable.encode(SubscriptionGroupConfig)",
            "SubscriptionGroupConfig with defaults (only groupName set), e.g. the body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP");
        SubscriptionGroupWrapper sgw = new SubscriptionGroupWrapper();
        ConcurrentHashMap<String, SubscriptionGroupConfig> sgt = new ConcurrentHashMap<>();
        sgt.put("cg1", sgc);
        sgw.setSubscriptionGroupTable(sgt);
        sgw.setDataVersion(dataVersion(3));
        write(dir, "subscription-group-wrapper", sgw, sgw.encode(), "SubscriptionGroupWrapper.encode()",
            "GET_ALL_SUBSCRIPTIONGROUP_CONFIG body shape");

        ResetOffsetBody rob = new ResetOffsetBody();
        HashMap<MessageQueue, Long> ot = new HashMap<>();
        ot.put(mq("TopicTest", "broker-a", 0), 10L);
        ot.put(mq("TopicTest", "broker-a", 1), 20L);
        rob.setOffsetTable(ot);
        write(dir, "reset-offset-body", rob, rob.encode(), "ResetOffsetBody.encode()",
            "RESET_CONSUMER_CLIENT_OFFSET (broker -> client) / INVOKE_BROKER_TO_RESET_OFFSET body");

        ConsumerOffsetSerializeWrapper cow = new ConsumerOffsetSerializeWrapper();
        ConcurrentMap<String, ConcurrentMap<Integer, Long>> offs = new ConcurrentHashMap<>();
        ConcurrentMap<Integer, Long> perQ = new ConcurrentHashMap<>();
        perQ.put(0, 10L);
        perQ.put(1, 20L);
        offs.put("TopicTest@cg1", perQ);
        cow.setOffsetTable(offs);
        Jar.setDataVersion(cow, dataVersion(5));
        write(dir, "consumer-offset-wrapper", cow, cow.encode(), "ConsumerOffsetSerializeWrapper.encode()",
            "GET_ALL_CONSUMER_OFFSET body shape (slave sync)");

        GroupList gl = new GroupList();
        gl.setGroupList(new HashSet<>(Arrays.asList("cg1", "cg2")));
        write(dir, "group-list", gl, gl.encode(), "GroupList.encode()", "QUERY_TOPIC_CONSUME_BY_WHO body");

        ProducerConnection pc = new ProducerConnection();
        HashSet<Connection> pconns = new LinkedHashSet<>();
        pconns.add(connection("192.168.0.10@12345", "192.168.0.10:53872", LanguageCode.JAVA, MQVersion.CURRENT_VERSION));
        pc.setConnectionSet(pconns);
        write(dir, "producer-connection", pc, pc.encode(), "ProducerConnection.encode()",
            "GET_PRODUCER_CONNECTION_LIST body");

        Jar.versionOnlyBodies(dir);

        DataVersion dv = dataVersion(7);
        write(dir, "data-version", dv, dv.encode(), "DataVersion.encode()", "QUERY_DATA_VERSION body / nested shape");

        QueryConsumeTimeSpanBody qts = new QueryConsumeTimeSpanBody();
        List<QueueTimeSpan> spans = new ArrayList<>();
        QueueTimeSpan span = new QueueTimeSpan();
        span.setMessageQueue(mq("TopicTest", "broker-a", 0));
        span.setMinTimeStamp(TS);
        span.setMaxTimeStamp(TS + 1000);
        span.setConsumeTimeStamp(TS + 500);
        span.setDelayTime(500);
        spans.add(span);
        qts.setConsumeTimeSpanSet(spans);
        write(dir, "query-consume-time-span", qts, qts.encode(), "QueryConsumeTimeSpanBody.encode()",
            "QUERY_CONSUME_TIME_SPAN body");

        ConsumerRunningInfo cri = new ConsumerRunningInfo();
        Properties props = new Properties();
        props.put(ConsumerRunningInfo.PROP_CONSUME_TYPE, "CONSUME_PASSIVELY");
        props.put(ConsumerRunningInfo.PROP_CLIENT_VERSION, MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));
        props.put(ConsumerRunningInfo.PROP_CONSUMER_START_TIMESTAMP, String.valueOf(TS));
        cri.setProperties(props);
        TreeSet<SubscriptionData> subSet = new TreeSet<>();
        subSet.add(subscription("TopicTest", "TagA || TagB"));
        cri.setSubscriptionSet(subSet);
        TreeMap<MessageQueue, ProcessQueueInfo> mqTable = new TreeMap<>();
        ProcessQueueInfo pqi = new ProcessQueueInfo();
        pqi.setCommitOffset(90);
        pqi.setCachedMsgMinOffset(91);
        pqi.setCachedMsgMaxOffset(95);
        pqi.setCachedMsgCount(5);
        pqi.setLastPullTimestamp(TS);
        pqi.setLastConsumeTimestamp(TS);
        mqTable.put(mq("TopicTest", "broker-a", 0), pqi);
        cri.setMqTable(mqTable);
        TreeMap<String, ConsumeStatus> status = new TreeMap<>();
        ConsumeStatus cst = new ConsumeStatus();
        cst.setPullRT(1.5);
        cst.setConsumeOKTPS(2.0);
        status.put("TopicTest", cst);
        cri.setStatusTable(status);
        write(dir, "consumer-running-info", cri, cri.encode(), "ConsumerRunningInfo.encode()",
            "GET_CONSUMER_RUNNING_INFO response body (client -> broker), small");

        CheckClientRequestBody ccr = new CheckClientRequestBody();
        ccr.setClientId("192.168.0.10@12345");
        ccr.setGroup("cg1");
        ccr.setSubscriptionData(subscription("TopicTest", "TagA || TagB"));
        write(dir, "check-client-request", ccr, ccr.encode(), "CheckClientRequestBody.encode()",
            "CHECK_CLIENT_CONFIG request body");

        BodyProbes.run(dir);
        LinkedHashMap<String, Object> index = m(
            "note", "<name>.json = the exact bytes of the named encoder (" + Jar.BODIES_ENCODER + ");"
                + " <name>.manifest.json = the inputs in standard JSON (Util.describe: bean fields sorted by name, maps"
                + " with non-String keys as [key, value] pairs). All timestamps/counters are fixed.");
        if (Jar.BODIES_NOT_CAPTURED != null) {
            index.put("notCaptured", Jar.BODIES_NOT_CAPTURED);
        }
        index.put("bodies", INDEX);
        Util.writeJson(dir.resolve("index.json"), index);
    }
}
