package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.BrokerControl;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Offsets survive a broker SIGKILL + restart (issue 5): the group resumes at its committed offsets, with no gap
 * (at-least-once) — and, since the harness waits until the committed offsets are durable before killing, with no
 * redelivery either. Needs the harness (-Dcompat.control) to kill and restart the broker; skipped otherwise.
 */
@Tag("broker-restart")
class RestartTest extends ClientTest {

    @BeforeEach
    void requireBrokerControl() {
        Assumptions.assumeTrue(BrokerControl.dir().isPresent(),
            "needs the harness to SIGKILL and restart the broker (run with -Dcompat.control=DIR from compat-tests/runner)");
    }

    private Set<String> send(String topic, int n, String label) throws Exception {
        return sendEach(topic, n, label).stream().map(SendResult::getMsgId).collect(Collectors.toSet());
    }

    private String offsetsOf(String group, String topic) {
        try {
            return new TreeMap<>(Compat.consumeOffsets(admin, group, topic).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getQueueId(), e -> e.getValue()[1] + "/" + e.getValue()[0]))).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    @DisplayName("restart.offsets-survive-broker-sigkill")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void offsetsSurviveSigkill() throws Exception {
        String topic = Clients.createTopic(admin, "restart", 4);
        String group = Env.unique("cg_restart");
        Set<String> consumedBefore = send(topic, 40, "before");

        collector = Collector.create("c1", group, topic, "*").start();
        collector.awaitIds("messages sent before the kill consumed", consumedBefore, Duration.ofSeconds(60));
        // Committed offsets reach the broker (periodic UPDATE_CONSUMER_OFFSET, and on shutdown).
        collector.close();
        Map<Integer, Long> committed = Await.until("the group's offsets committed at the broker", Duration.ofSeconds(30), () -> {
            Map<MessageQueue, long[]> o = Compat.consumeOffsets(admin, group, topic);
            if (o.size() != 4 || !o.values().stream().allMatch(v -> v[1] == v[0])) {
                return null;
            }
            Map<Integer, Long> m = new TreeMap<>();
            o.forEach((q, v) -> m.put(q.getQueueId(), v[1]));
            return m;
        }, () -> offsetsOf(group, topic));
        assertEquals(40L, committed.values().stream().mapToLong(Long::longValue).sum(), "committed offsets cover the 40 consumed messages: " + committed);

        // Not consumed yet when the broker dies: these must come after the restart, none lost.
        Set<String> pending = send(topic, 20, "pending");

        String answer = BrokerControl.killAndRestartBroker(group, topic, committed, Duration.ofSeconds(180));
        System.out.println("restart.offsets-survive-broker-sigkill: harness answered " + answer);

        // Messages and offsets survived: 60 messages on the broker, the committed offsets unchanged.
        Await.condition("the restarted broker reports 60 messages and the pre-kill committed offsets", Duration.ofSeconds(60), () -> {
            Map<MessageQueue, long[]> max = Compat.topicOffsets(admin, topic);
            long total = max.values().stream().mapToLong(v -> v[1]).sum();
            Map<MessageQueue, long[]> o = Compat.consumeOffsets(admin, group, topic);
            Map<Integer, Long> now = new TreeMap<>();
            o.forEach((q, v) -> now.put(q.getQueueId(), v[1]));
            return total == 60 && now.equals(committed);
        }, () -> offsetsOf(group, topic));

        collector = Collector.create("c2", group, topic, "*").start();
        Map<String, ?> got = collector.awaitIds("messages pending at the kill delivered after the restart", pending, Duration.ofSeconds(60));
        Set<String> redelivered = new HashSet<>(collector.byMsgId().keySet());
        redelivered.retainAll(consumedBefore);
        assertTrue(redelivered.isEmpty(), "the group resumed before its committed offsets: " + redelivered.size()
            + " messages consumed before the kill were delivered again");
        assertEquals(pending, got.keySet().stream().filter(pending::contains).collect(Collectors.toSet()), "no gap");
    }
}
