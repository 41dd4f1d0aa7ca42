package org.apogee.compat.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apogee.compat.adapter.Compat;

/**
 * Official clients configured the same way in every scenario: the target's NameServer, a unique instance name
 * (so that several clients in one JVM are separate MQClientInstances, i.e. separate group members), and
 * generous but bounded timeouts.
 */
public final class Clients {
    public static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);

    private Clients() {
    }

    public static DefaultMQProducer producer() throws MQClientException {
        return producer(Env.unique("pg"));
    }

    public static DefaultMQProducer producer(String group) throws MQClientException {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(Env.namesrv());
        p.setInstanceName(Env.unique("producer"));
        p.setSendMsgTimeout(15_000);
        p.setRetryTimesWhenSendFailed(2);
        p.start();
        return p;
    }

    public static DefaultMQAdminExt admin() throws MQClientException {
        DefaultMQAdminExt a = new DefaultMQAdminExt(15_000);
        a.setNamesrvAddr(Env.namesrv());
        a.setInstanceName(Env.unique("admin"));
        a.start();
        return a;
    }

    /** brokerName -> master address (brokerId 0), from GET_BROKER_CLUSTER_INFO. */
    public static Map<String, String> masters(DefaultMQAdminExt admin) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<Long, String>> e : Compat.brokers(admin).entrySet()) {
            String master = e.getValue().get(0L);
            if (master != null) {
                out.put(e.getKey(), master);
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("the NameServer's cluster info lists no master broker: " + Compat.brokers(admin));
        }
        return out;
    }

    /**
     * Creates `topic` with `queues` read and write queues on every master (UPDATE_AND_CREATE_TOPIC through the
     * admin API, as `mqadmin updateTopic` does) and waits until the NameServer routes it with that many queues.
     */
    public static String createTopic(DefaultMQAdminExt admin, String prefix, int queues) throws Exception {
        String topic = Env.unique(prefix);
        Map<String, String> masters = masters(admin);
        for (String addr : masters.values()) {
            TopicConfig tc = new TopicConfig(topic, queues, queues, 6);
            admin.createAndUpdateTopicConfig(addr, tc);
        }
        int expected = queues * masters.size();
        Await.until("route of new topic " + topic + " with " + expected + " write queues at the NameServer", ROUTE_TIMEOUT, () -> {
            RouteView r = Compat.route(admin, topic);
            return r.totalWriteQueues() == expected && r.totalReadQueues() == expected ? r : null;
        });
        return topic;
    }

    /** The topic's write queues as the producer sees them, sorted by broker and queue id. */
    public static List<MessageQueue> queues(DefaultMQProducer producer, String topic) throws MQClientException {
        List<MessageQueue> mqs = new ArrayList<>(producer.fetchPublishMessageQueues(topic));
        mqs.sort(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
        return mqs;
    }

    public static void shutdownQuietly(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
    }
}
