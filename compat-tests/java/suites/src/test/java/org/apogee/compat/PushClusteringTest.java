package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DefaultMQPushConsumer in CLUSTERING mode (issue 5): a group shares a topic's queues. The allocation is done by
 * the clients (AllocateMessageQueueAveragely over the group's consumer list, GET_CONSUMER_LIST_BY_GROUP); the
 * broker's part is the consumer list, NOTIFY_CONSUMER_IDS_CHANGED and offsets.
 */
@Tag("broker")
class PushClusteringTest extends ClientTest {
    private static final int QUEUES = 8;
    private final List<Collector> consumers = new ArrayList<>();

    @AfterEach
    void closeConsumers() {
        consumers.forEach(Collector::close);
    }

    private static Map<String, Set<MessageQueue>> assignment(List<Collector> cs) {
        Map<String, Set<MessageQueue>> a = new LinkedHashMap<>();
        for (Collector c : cs) {
            a.put(c.name(), c.assignedQueues());
        }
        return a;
    }

    private static String describe(Map<String, Set<MessageQueue>> a) {
        return a.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().stream().map(q -> q.getBrokerName() + "/" + q.getQueueId()).collect(Collectors.toList()))
            .collect(Collectors.joining(", "));
    }

    /** True when the consumers' queues are disjoint, cover `all`, and have the sizes an even split gives. */
    private static boolean evenPartition(Map<String, Set<MessageQueue>> a, Set<MessageQueue> all) {
        Set<MessageQueue> union = new HashSet<>();
        int total = 0;
        for (Set<MessageQueue> qs : a.values()) {
            union.addAll(qs);
            total += qs.size();
            int lo = all.size() / a.size();
            int hi = lo + (all.size() % a.size() == 0 ? 0 : 1);
            if (qs.size() < lo || qs.size() > hi) {
                return false;
            }
        }
        return total == all.size() && union.equals(all);
    }

    /** Waits until the group's assignment is an even partition and stays the same for one second. */
    private Map<String, Set<MessageQueue>> awaitSteadyState(List<Collector> cs, Set<MessageQueue> all, Duration timeout) {
        return Await.until(cs.size() + " consumers share " + all.size() + " queues without overlap", timeout, () -> {
            Map<String, Set<MessageQueue>> a = assignment(cs);
            if (!evenPartition(a, all)) {
                return null;
            }
            Thread.sleep(1000); // the observation window of "steady": the assignment must not change within it
            return assignment(cs).equals(a) ? a : null;
        }, () -> describe(assignment(cs)));
    }

    private Map<String, MessageQueue> sendSpread(String topic, int n, String label) throws Exception {
        Map<String, MessageQueue> sent = new LinkedHashMap<>();
        sendEach(topic, n, label).forEach(r -> sent.put(r.getMsgId(), r.getMessageQueue()));
        return sent;
    }

    private static Map<String, Integer> counts(List<Collector> cs) {
        Map<String, Integer> m = new HashMap<>();
        for (Collector c : cs) {
            c.deliveryCounts().forEach((k, v) -> m.merge(k, v, Integer::sum));
        }
        return m;
    }

    private Set<MessageQueue> startGroup(String topic, String group, int n) throws Exception {
        Set<MessageQueue> all = new HashSet<>(Clients.queues(producer, topic));
        assertEquals(QUEUES, all.size(), "queues of " + topic);
        for (int i = 1; i <= n; i++) {
            consumers.add(Collector.create("c" + i, group, topic, "*").start());
        }
        return all;
    }

    @Test
    @DisplayName("push.clustering-3-consumers-share-8-queues")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeConsumersShareEightQueues() throws Exception {
        String topic = Clients.createTopic(admin, "push_share", QUEUES);
        Set<MessageQueue> all = startGroup(topic, Env.unique("cg"), 3);
        Map<String, Set<MessageQueue>> steady = awaitSteadyState(consumers, all, Duration.ofSeconds(60));
        List<Integer> sizes = steady.values().stream().map(Set::size).sorted().collect(Collectors.toList());
        assertEquals(List.of(2, 3, 3), sizes, "8 queues over 3 consumers: " + describe(steady));

        int n = 240;
        Map<String, MessageQueue> sent = sendSpread(topic, n, "share");
        Await.condition("all " + n + " messages consumed by the group", Duration.ofSeconds(60),
            () -> counts(consumers).keySet().containsAll(sent.keySet()),
            () -> "consumed " + counts(consumers).size() + " distinct of " + n + "; " + describe(assignment(consumers)));

        Map<String, Integer> c = counts(consumers);
        List<String> dups = c.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toList());
        assertTrue(dups.isEmpty(), "no duplicates in steady state, but " + dups.size() + " messages were delivered more than once: " + dups.stream().limit(5).collect(Collectors.toList()));
        assertEquals(n, c.size(), "no loss and nothing foreign: distinct deliveries");
        for (Collector col : consumers) {
            Set<MessageQueue> mine = steady.get(col.name());
            for (MessageExt m : col.messages()) {
                MessageQueue q = new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId());
                assertTrue(mine.contains(q), col.name() + " consumed " + m.getMsgId() + " from " + q + " which is not among its queues " + mine);
            }
            assertTrue(col.messages().size() > 0, col.name() + " consumed nothing");
        }
        System.out.println("push.clustering-3-consumers-share-8-queues: " + describe(steady) + "; deliveries per consumer: "
            + consumers.stream().map(x -> x.name() + "=" + x.deliveries().size()).collect(Collectors.joining(", ")));
    }

    @Test
    @DisplayName("push.clustering-rebalance-on-leave")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void consumerLeavingTriggersRebalance() throws Exception {
        String topic = Clients.createTopic(admin, "push_leave", QUEUES);
        Set<MessageQueue> all = startGroup(topic, Env.unique("cg"), 3);
        awaitSteadyState(consumers, all, Duration.ofSeconds(60));
        Map<String, MessageQueue> before = sendSpread(topic, 80, "before");
        Await.condition("messages sent before the leave consumed", Duration.ofSeconds(60),
            () -> counts(consumers).keySet().containsAll(before.keySet()), () -> "consumed " + counts(consumers).size());

        // c3 leaves (shutdown: persists offsets, UNREGISTER_CLIENT). The broker tells the others
        // (NOTIFY_CONSUMER_IDS_CHANGED) and they rebalance at once; without the notification they would wait for
        // the periodic rebalance (20 s).
        Collector leaving = consumers.get(2);
        long t0 = System.nanoTime();
        leaving.close();
        List<Collector> remaining = new ArrayList<>(consumers.subList(0, 2));
        Map<String, Set<MessageQueue>> after = Await.until("the 2 remaining consumers take over all 8 queues", Duration.ofSeconds(10), () -> {
            Map<String, Set<MessageQueue>> a = assignment(remaining);
            return evenPartition(a, all) ? a : null;
        }, () -> describe(assignment(remaining)));
        long rebalanceMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("push.clustering-rebalance-on-leave: rebalanced in " + rebalanceMs + " ms: " + describe(after));

        Map<String, MessageQueue> later = sendSpread(topic, 80, "after");
        Await.condition("every message sent after the leave consumed by the remaining consumers", Duration.ofSeconds(60),
            () -> counts(remaining).keySet().containsAll(later.keySet()),
            () -> "consumed " + later.keySet().stream().filter(counts(remaining)::containsKey).count() + " of " + later.size());
        for (MessageExt m : leaving.messages()) {
            assertTrue(!later.containsKey(m.getMsgId()), "the consumer that left received " + m.getMsgId() + " after leaving");
        }
    }
}
