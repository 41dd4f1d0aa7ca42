package org.apogee.compat.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apogee.compat.adapter.Compat;

/**
 * An official DefaultMQPushConsumer that records every delivery (message, time, which consumer) and lets the
 * test decide each consume result. Assertions then read the recorded deliveries.
 */
public final class Collector implements AutoCloseable {
    /** One call of the listener for one message. */
    public record Delivery(String consumer, MessageExt msg, long atMillis) {
    }

    private final String name;
    private final String topic;
    private final DefaultMQPushConsumer consumer;
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile BiFunction<MessageExt, ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus> behaviour =
        (m, c) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    private boolean started;

    private Collector(String name, String group, String topic, boolean enableMsgTrace) {
        this.name = name;
        this.topic = topic;
        this.consumer = new DefaultMQPushConsumer(group, enableMsgTrace, null); // null: the default trace topic
        consumer.setNamesrvAddr(Env.namesrv());
        consumer.setInstanceName(Env.unique("consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        // Heartbeat every 5 s instead of 30 s: after a rebalance the 5.x client may pull with a subscription
        // version the broker has not seen yet ("the subscription is not latest") until its next heartbeat, when
        // the immediate heartbeat loses a lock race. A shorter interval bounds that stall without changing what
        // is exercised.
        consumer.setHeartbeatBrokerInterval(5_000);
        Compat.clustering(consumer);
    }

    /** A clustering consumer of `group` subscribed to `topic` with `subExpression`, not started yet. */
    public static Collector create(String name, String group, String topic, String subExpression) throws MQClientException {
        Collector c = new Collector(name, group, topic, false);
        c.consumer.subscribe(topic, subExpression);
        return c;
    }

    /** The same with message trace on (enableMsgTrace: SubBefore/SubAfter records to RMQ_SYS_TRACE_TOPIC). */
    public static Collector createTraced(String name, String group, String topic, String subExpression) throws MQClientException {
        Collector c = new Collector(name, group, topic, true);
        c.consumer.subscribe(topic, subExpression);
        return c;
    }

    public DefaultMQPushConsumer consumer() {
        return consumer;
    }

    public String name() {
        return name;
    }

    /** Decide the consume result of each delivery (default: CONSUME_SUCCESS). */
    public Collector behaviour(BiFunction<MessageExt, ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus> b) {
        this.behaviour = b;
        return this;
    }

    public Collector start() throws MQClientException {
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            synchronized (deliveries) {
                for (MessageExt m : msgs) {
                    deliveries.add(new Delivery(name, m, now));
                }
                deliveries.notifyAll();
            }
            ConsumeConcurrentlyStatus result = ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            for (MessageExt m : msgs) {
                if (behaviour.apply(m, ctx) == ConsumeConcurrentlyStatus.RECONSUME_LATER) {
                    result = ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            }
            return result;
        });
        consumer.start();
        started = true;
        return this;
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return new ArrayList<>(deliveries);
        }
    }

    public List<MessageExt> messages() {
        return deliveries().stream().map(Delivery::msg).collect(Collectors.toList());
    }

    public List<Delivery> deliveries(Predicate<MessageExt> p) {
        return deliveries().stream().filter(d -> p.test(d.msg())).collect(Collectors.toList());
    }

    /** Waits until at least `n` deliveries matched `p`; returns all matching ones. */
    public List<Delivery> awaitDeliveries(String what, int n, Duration timeout, Predicate<MessageExt> p) {
        return Await.until(what + " (" + n + " deliveries to " + name + ")", timeout, () -> {
            List<Delivery> ds = deliveries(p);
            return ds.size() >= n ? ds : null;
        }, () -> name + " has " + deliveries(p).size() + " matching of " + deliveries().size() + " deliveries");
    }

    /** Waits until every msgId in `ids` has been delivered at least once; returns msgId -> first delivery. */
    public Map<String, MessageExt> awaitIds(String what, Set<String> ids, Duration timeout) {
        return Await.until(what + " (" + ids.size() + " msgIds delivered to " + name + ")", timeout, () -> {
            Map<String, MessageExt> got = byMsgId();
            return got.keySet().containsAll(ids) ? got : null;
        }, () -> {
            Set<String> missing = new TreeSet<>(ids);
            missing.removeAll(byMsgId().keySet());
            List<Delivery> ds = deliveries();
            return name + ": missing " + missing.size() + " of " + ids.size() + " (e.g. " + missing.stream().limit(3).collect(Collectors.toList())
                + "); received " + ds.size() + " deliveries, e.g. "
                + ds.stream().limit(3).map(d -> d.msg().getMsgId() + "@" + d.msg().getQueueId() + ":" + d.msg().getQueueOffset()
                    + " keys=" + d.msg().getKeys() + " UNIQ_KEY=" + d.msg().getProperty("UNIQ_KEY")).collect(Collectors.toList());
        });
    }

    /** msgId (UNIQ_KEY) -> first delivery of it. */
    public Map<String, MessageExt> byMsgId() {
        Map<String, MessageExt> m = new HashMap<>();
        for (Delivery d : deliveries()) {
            m.putIfAbsent(d.msg().getMsgId(), d.msg());
        }
        return m;
    }

    /** msgId -> number of deliveries. */
    public Map<String, Integer> deliveryCounts() {
        Map<String, Integer> m = new HashMap<>();
        for (Delivery d : deliveries()) {
            m.merge(d.msg().getMsgId(), 1, Integer::sum);
        }
        return m;
    }

    /** Queues of the subscribed topic this consumer currently owns (rebalance result, not dropped). */
    public Set<MessageQueue> assignedQueues() {
        Map<MessageQueue, ProcessQueue> table = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable();
        Set<MessageQueue> out = new TreeSet<>(Comparator.comparing(MessageQueue::getBrokerName).thenComparingInt(MessageQueue::getQueueId));
        for (Map.Entry<MessageQueue, ProcessQueue> e : table.entrySet()) {
            if (e.getKey().getTopic().equals(topic) && !e.getValue().isDropped()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (started) {
            started = false;
            consumer.shutdown();
        }
    }
}
