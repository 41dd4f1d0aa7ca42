package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.BrokerControl;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timer messages survive a broker SIGKILL (issue 12): timers due 20 s and 30 s after the send (well after the kill at
 * +3 s; short enough for the CI slice, which waits for both on each target) are parked in the timer wheel when the
 * harness kills the broker and restarts it on the same store; both are delivered afterwards, none before its time
 * (Java's recovery is at-least-once: the timerlog and the timer checkpoint drive it). Needs the harness
 * (-Dcompat.control) to kill and restart the broker; skipped otherwise.
 */
@Tag("broker-restart")
class TimerRestartTest extends ClientTest {

    @BeforeEach
    void requireBrokerControl() {
        Assumptions.assumeTrue(BrokerControl.dir().isPresent(),
            "needs the harness to SIGKILL and restart the broker (run with -Dcompat.control=DIR from compat-tests/runner)");
    }

    @Test
    @DisplayName("timer.survives-broker-sigkill")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void timersSurviveSigkill() throws Exception {
        Versions.assumeBroker5(admin, "timer messages (TIMER_DELAY_SEC / TIMER_DELIVER_MS) are a 5.x broker feature");
        String topic = Clients.createTopic(admin, "timer_kill", 1);
        String group = Env.unique("cg_timer_kill");
        long[] delays = {20_000, 30_000};
        String[] keys = new String[delays.length];
        long[] due = new long[delays.length];
        for (int i = 0; i < delays.length; i++) {
            keys[i] = Env.unique("tk" + i);
            due[i] = System.currentTimeMillis() + delays[i];
            Message m = new Message(topic, "TagA", Bodies.utf8("timer across a SIGKILL #" + i));
            m.setKeys(keys[i]);
            Compat.deliverTimeMs(m, due[i]);
            SendResult r = producer.send(m);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i + ": " + r);
        }
        Thread.sleep(3_000); // parked in the wheel, and past a timer flush (timerFlushIntervalMs 1 s)
        String answer = BrokerControl.killAndRestartBroker(Duration.ofSeconds(180));
        System.out.println("timer.survives-broker-sigkill: harness answered " + answer);

        collector = Collector.create("c1", group, topic, "*").start();
        List<Collector.Delivery> ds = collector.awaitDeliveries("both timers after the restart", 2, Duration.ofSeconds(120),
            x -> x.getKeys() != null && (x.getKeys().equals(keys[0]) || x.getKeys().equals(keys[1])));
        for (int i = 0; i < delays.length; i++) {
            String key = keys[i];
            MessageExt x = ds.stream().map(Collector.Delivery::msg).filter(m -> key.equals(m.getKeys())).findFirst()
                .orElseThrow(() -> new AssertionError("timer #" + key + " not delivered"));
            assertTrue(x.getStoreTimestamp() >= due[i], "timer +" + delays[i] / 1000 + " s stored at " + x.getStoreTimestamp() + ", before its time " + due[i]);
        }
    }
}
