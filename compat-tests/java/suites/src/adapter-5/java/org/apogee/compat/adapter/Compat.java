package org.apogee.compat.adapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.body.KVTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apogee.compat.support.RouteView;

/**
 * The few client API differences between rocketmq-client 5.5.0 and the other supported version, behind one
 * version-neutral facade (the protocol classes moved from org.apache.rocketmq.common.protocol / common.admin in
 * 4.9.x to org.apache.rocketmq.remoting.protocol in 5.x). The other adapter has the same class and signatures.
 */
public final class Compat {
    private Compat() {
    }

    public static void clustering(DefaultMQPushConsumer c) {
        c.setMessageModel(MessageModel.CLUSTERING);
    }

    public static void broadcasting(DefaultMQPushConsumer c) {
        c.setMessageModel(MessageModel.BROADCASTING);
    }

    /** brokerName -> (brokerId -> address), from GET_BROKER_CLUSTER_INFO. */
    public static Map<String, Map<Long, String>> brokers(DefaultMQAdminExt admin) throws Exception {
        ClusterInfo ci = admin.examineBrokerClusterInfo();
        Map<String, Map<Long, String>> out = new TreeMap<>();
        for (Map.Entry<String, BrokerData> e : ci.getBrokerAddrTable().entrySet()) {
            out.put(e.getKey(), new TreeMap<>(e.getValue().getBrokerAddrs()));
        }
        return out;
    }

    /** clusterName -> broker names. */
    public static Map<String, List<String>> clusters(DefaultMQAdminExt admin) throws Exception {
        ClusterInfo ci = admin.examineBrokerClusterInfo();
        Map<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, java.util.Set<String>> e : ci.getClusterAddrTable().entrySet()) {
            out.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        return out;
    }

    /** GET_ROUTEINFO_BY_TOPIC through the admin API. Throws MQClientException (code 17) for an unknown topic. */
    public static RouteView route(DefaultMQAdminExt admin, String topic) throws Exception {
        TopicRouteData r = admin.examineTopicRouteInfo(topic);
        List<RouteView.QueueView> qs = new ArrayList<>();
        for (QueueData q : r.getQueueDatas()) {
            qs.add(new RouteView.QueueView(q.getBrokerName(), q.getReadQueueNums(), q.getWriteQueueNums(), q.getPerm()));
        }
        Map<String, Map<Long, String>> bs = new TreeMap<>();
        for (BrokerData b : r.getBrokerDatas()) {
            bs.put(b.getBrokerName(), new TreeMap<>(b.getBrokerAddrs()));
        }
        return new RouteView(qs, bs);
    }

    /**
     * Per queue {minOffset, maxOffset} of a topic (GET_TOPIC_STATS_INFO on each master of its route). 5.x: the
     * per-broker overload, because examineTopicStats(topic) also asks each broker for GET_TOPIC_CONFIG (351), which
     * 4.9.x brokers answer with REQUEST_CODE_NOT_SUPPORTED.
     */
    public static Map<MessageQueue, long[]> topicOffsets(DefaultMQAdminExt admin, String topic) throws Exception {
        Map<MessageQueue, long[]> out = new HashMap<>();
        for (BrokerData b : admin.examineTopicRouteInfo(topic).getBrokerDatas()) {
            String addr = b.selectBrokerAddr();
            if (addr == null) {
                continue;
            }
            TopicStatsTable t = admin.examineTopicStats(addr, topic);
            for (Map.Entry<MessageQueue, TopicOffset> e : t.getOffsetTable().entrySet()) {
                out.put(e.getKey(), new long[] {e.getValue().getMinOffset(), e.getValue().getMaxOffset()});
            }
        }
        return out;
    }

    /**
     * Per queue of the topic: {brokerOffset, consumerOffset} of a group (GET_CONSUME_STATS on each master of the
     * topic's route; 5.x: the per-broker overload, see topicOffsets).
     */
    public static Map<MessageQueue, long[]> consumeOffsets(DefaultMQAdminExt admin, String group, String topic) throws Exception {
        Map<MessageQueue, long[]> out = new HashMap<>();
        for (BrokerData b : admin.examineTopicRouteInfo(topic).getBrokerDatas()) {
            String addr = b.selectBrokerAddr();
            if (addr == null) {
                continue;
            }
            ConsumeStats s = admin.examineConsumeStats(addr, group, topic, 15_000);
            for (Map.Entry<MessageQueue, OffsetWrapper> e : s.getOffsetTable().entrySet()) {
                if (e.getKey().getTopic().equals(topic)) {
                    out.put(e.getKey(), new long[] {e.getValue().getBrokerOffset(), e.getValue().getConsumerOffset()});
                }
            }
        }
        return out;
    }

    /**
     * QUERY_MESSAGE by unique key (the UNIQ_KEY msgId a SendResult returns), on every broker of the topic's route
     * (mqadmin queryMsgByUniqueKey). 5.x takes the cluster name as well.
     */
    public static QueryResult queryByUniqKey(DefaultMQAdminExt admin, String clusterName, String topic, String uniqKey) throws Exception {
        return admin.queryMessageByUniqKey(clusterName, topic, uniqKey, 32, 0, Long.MAX_VALUE);
    }

    /** brokerVersionDesc from GET_BROKER_RUNTIME_INFO (e.g. "V5_5_0"), or "" when the broker does not say. */
    public static String brokerVersion(DefaultMQAdminExt admin, String brokerAddr) throws Exception {
        KVTable t = admin.fetchBrokerRuntimeStats(brokerAddr);
        String v = t.getTable().get("brokerVersionDesc");
        return v == null ? "" : v;
    }

    /** Timer message due `seconds` from the broker's now (5.x API: Message#setDelayTimeSec -> TIMER_DELAY_SEC). */
    public static void delayTimeSec(org.apache.rocketmq.common.message.Message m, long seconds) {
        m.setDelayTimeSec(seconds);
    }

    /** Timer message due at `epochMs` (5.x API: Message#setDeliverTimeMs -> TIMER_DELIVER_MS). */
    public static void deliverTimeMs(org.apache.rocketmq.common.message.Message m, long epochMs) {
        m.setDeliverTimeMs(epochMs);
    }

    /** Per queue max offset of a topic on one broker (GET_TOPIC_STATS_INFO to that address, a slave too). */
    public static Map<MessageQueue, Long> maxOffsetsOn(DefaultMQAdminExt admin, String brokerAddr, String topic) throws Exception {
        Map<MessageQueue, Long> out = new HashMap<>();
        for (Map.Entry<MessageQueue, TopicOffset> e : admin.examineTopicStats(brokerAddr, topic).getOffsetTable().entrySet()) {
            out.put(e.getKey(), e.getValue().getMaxOffset());
        }
        return out;
    }
}
