package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** BROADCASTING (issue 5): every consumer of the group receives every message (offsets kept by each client). */
@Tag("broker")
class BroadcastTest extends ClientTest {
    private final List<Collector> consumers = new ArrayList<>();

    @AfterEach
    void closeConsumers() {
        consumers.forEach(Collector::close);
    }

    @Test
    @DisplayName("push.broadcasting")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyConsumerGetsEverything() throws Exception {
        String topic = Clients.createTopic(admin, "bcast", 4);
        String group = Env.unique("cg_bcast");
        Set<MessageQueue> all = new HashSet<>(Clients.queues(producer, topic));
        for (int i = 1; i <= 3; i++) {
            Collector c = Collector.create("c" + i, group, topic, "*");
            Compat.broadcasting(c.consumer());
            consumers.add(c.start());
        }
        for (Collector c : consumers) {
            Await.condition(c.name() + " owns all " + all.size() + " queues (broadcasting)", Duration.ofSeconds(60),
                () -> c.assignedQueues().equals(all), () -> c.assignedQueues().toString());
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            SendResult r = producer.send(new Message(topic, "TagA", Bodies.utf8("broadcast #" + i)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i);
            ids.add(r.getMsgId());
        }
        for (Collector c : consumers) {
            c.awaitIds("every message at " + c.name(), ids, Duration.ofSeconds(60));
        }
        for (Collector c : consumers) {
            Map<String, Integer> counts = c.deliveryCounts();
            List<String> dups = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toList());
            assertTrue(dups.isEmpty(), c.name() + " received duplicates: " + dups);
            assertEquals(ids, counts.keySet(), c.name() + " received exactly the sent messages");
        }
    }
}
