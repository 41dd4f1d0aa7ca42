package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
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
 * Issue 13, read from the slave with the official Java consumer while the master is alive: on a master + slave pair
 * with slaveReadEnable and accessMessageInMemoryMaxRatio=0 (any unread rest counts as "left memory"), a consumer that
 * lags is told by the master's pull answers to use the slave (suggestWhichBrokerId = whichBrokerWhenConsumeSlowly,
 * Java PullMessageProcessor) and pulls there. Run by compat-tests/runner/ha-slave-read-java.compat.ts
 * (-Dcompat.haSlaveRead=true); tag "cluster" keeps it out of single-broker runs (pom excludedGroups).
 */
@Tag("cluster")
class HaSlaveReadTest extends ClientTest {
    private static final Duration DELIVERY = Duration.ofSeconds(120);

    @BeforeEach
    void pairOnly() {
        Assumptions.assumeTrue(Boolean.getBoolean("compat.haSlaveRead"),
            "needs a master + slave pair with slaveReadEnable (compat-tests/runner/ha-slave-read-java.compat.ts)");
    }

    @Test
    @DisplayName("ha.slave-read-when-lagging")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void laggingConsumerReadsFromTheSlave() throws Exception {
        String topic = Clients.createTopic(admin, "ha_lag", 4);
        Set<String> ids = new HashSet<>();
        for (SendResult r : sendEach(topic, 300, "lagging")) {
            ids.add(r.getMsgId());
        }
        Map<String, Map<Long, String>> brokers = Compat.brokers(admin);
        Map<Long, String> group = brokers.values().iterator().next();
        String master = group.get(0L);
        String slave = group.get(1L);
        // The slave has every message and knows the topic (SlaveSynchronize copies topic configs every 60 s).
        Await.until("the slave caught up with its master", Duration.ofSeconds(150), () -> {
            Map<MessageQueue, Long> m = Compat.maxOffsetsOn(admin, master, topic);
            Map<MessageQueue, Long> s = Compat.maxOffsetsOn(admin, slave, topic);
            for (Map.Entry<MessageQueue, Long> e : m.entrySet()) {
                Long so = s.get(e.getKey());
                if (so == null || so < e.getValue()) {
                    return null;
                }
            }
            return true;
        });
        collector = Collector.create("c1", Env.unique("cg_lag"), topic, "*").start();
        collector.awaitIds("every message consumed", ids, DELIVERY);
        long served = Long.parseLong(admin.fetchBrokerRuntimeStats(slave).getTable().get("msgGetTotalTodayNow"));
        assertTrue(served > 0, "the slave served pulls: msgGetTotalTodayNow " + served);
    }
}
