package org.apogee.compat.grpc.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The remoting admin API (rocketmq-tools 5.5.0) against the target's NameServer: 5.x topics carry their message
 * type as the attribute `message.type` (NORMAL, FIFO, DELAY, TRANSACTION), which the proxy reads from the broker
 * (GET_TOPIC_CONFIG) and returns in the route's accept_message_types, and the gRPC producer refuses to send a
 * message of another type (Java client: ProducerImpl#send validates the type). FIFO consumption needs a
 * subscription group with consumeMessageOrderly=true (the proxy tells the client "fifo" in its settings).
 */
public final class Admin implements AutoCloseable {
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);

    private final DefaultMQAdminExt admin;

    public Admin() throws Exception {
        admin = new DefaultMQAdminExt(5_000);
        admin.setNamesrvAddr(GrpcEnv.namesrv());
        admin.setInstanceName(GrpcEnv.unique("grpc_admin"));
        admin.start();
    }

    /** Creates a topic of `messageType` with `queues` queues on every master; waits until the NameServer routes it. */
    public String createTopic(String prefix, String messageType, int queues) throws Exception {
        String topic = GrpcEnv.unique(prefix);
        Map<String, String> masters = masters();
        for (String addr : masters.values()) {
            TopicConfig tc = new TopicConfig(topic, queues, queues, 6);
            Map<String, String> attributes = new HashMap<>();
            attributes.put("+message.type", messageType);
            tc.setAttributes(attributes);
            admin.createAndUpdateTopicConfig(addr, tc);
        }
        int expected = queues * masters.size();
        Await.until("route of " + topic + " with " + expected + " write queues", ROUTE_TIMEOUT, () -> {
            try {
                TopicRouteData r = admin.examineTopicRouteInfo(topic);
                int w = r.getQueueDatas().stream().mapToInt(q -> q.getWriteQueueNums()).sum();
                return w == expected ? r : null;
            } catch (Exception e) {
                return null;
            }
        });
        return topic;
    }

    /** Creates a subscription group on every master; `orderly` makes it a FIFO group. */
    public String createGroup(String prefix, boolean orderly) throws Exception {
        return createGroup(prefix, orderly, 16);
    }

    /** Creates a subscription group on every master with `retryMaxTimes` (the gRPC client gets retryMaxTimes + 1 attempts). */
    public String createGroup(String prefix, boolean orderly, int retryMaxTimes) throws Exception {
        String group = GrpcEnv.unique(prefix);
        for (String addr : masters().values()) {
            SubscriptionGroupConfig g = new SubscriptionGroupConfig();
            g.setGroupName(group);
            g.setConsumeMessageOrderly(orderly);
            g.setRetryMaxTimes(retryMaxTimes);
            admin.createAndUpdateSubscriptionGroupConfig(addr, g);
        }
        return group;
    }

    /**
     * Sets a broker config key on every master (what `mqadmin updateBrokerConfig -k key -v value` does), e.g.
     * recallMessageEnable, off by default in Java 5.5.0 and Apogee.
     */
    public void updateBrokerConfig(String key, String value) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(key, value);
        for (String addr : masters().values()) {
            admin.updateBrokerConfig(addr, p);
        }
    }

    /** Messages stored in a topic (sum of its queues' max offsets); 0 while the topic has no route yet. */
    public long storedMessages(String topic) {
        try {
            TopicStatsTable t = admin.examineTopicStats(topic);
            long n = 0;
            for (TopicOffset o : t.getOffsetTable().values()) {
                n += o.getMaxOffset() - o.getMinOffset();
            }
            return n;
        } catch (Exception e) {
            return 0;
        }
    }

    private Map<String, String> masters() throws Exception {
        ClusterInfo ci = admin.examineBrokerClusterInfo();
        Map<String, String> out = new HashMap<>();
        for (BrokerData bd : ci.getBrokerAddrTable().values()) {
            String addr = bd.getBrokerAddrs().get(0L);
            if (addr != null) {
                out.put(bd.getBrokerName(), addr);
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("the NameServer lists no master broker: " + ci.getBrokerAddrTable());
        }
        return out;
    }

    @Override
    public void close() {
        admin.shutdown();
    }
}
