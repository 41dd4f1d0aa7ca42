package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.BrokerRaw;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timer messages at the far ends (issue 12), next to TimerTest's +1 s / +6 s:
 *
 * - +60 s: stored in its topic not before the asked time and within one tick (timerPrecisionMs 1 s) + SLACK_MS of
 *   it. It takes a minute, so it runs only in a full run (Env#fullRun); the CI slice has +1 s / +6 s
 *   (timer.deliver-at-1s-and-6s) and the +20 s / +30 s timers of timer.survives-broker-sigkill.
 * - just under the max: Java refuses a timer only when deliverMs - now > timerMaxDelaySec * 1000 (default 3 days;
 *   HookUtils#transformTimerMessage), so TIMER_DELAY_SEC = max - 5 s and = max exactly (deliverMs is computed
 *   before the check's own now) are both accepted. Beyond the roll window (timerRollWindowSlot, 2 days) the timer
 *   enters the wheel as a roll (TimerMessageStore#doEnqueue) and counts as pending in the timer metrics of its real
 *   topic (GET_TIMER_METRICS, TimerMetrics#addAndGet), while nothing is stored in the topic itself.
 */
@Tag("broker")
class TimerBoundsTest extends ClientTest {
    private static final long TICK_MS = 1000;
    private static final long SLACK_MS = 500;
    private static final long MAX_DELAY_SEC = 3L * 24 * 3600;

    @Test
    @DisplayName("timer.deliver-at-60s")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void deliverAtSixtySeconds() throws Exception {
        Assumptions.assumeTrue(Env.fullRun(), Env.fullRunOnlyReason("timer.deliver-at-1s-and-6s and timer.survives-broker-sigkill (+20 s, +30 s) cover timers"));
        Versions.assumeBroker5(admin, "timer messages (TIMER_DELAY_SEC / TIMER_DELIVER_MS) are a 5.x broker feature");
        String topic = Clients.createTopic(admin, "timer60", 1);
        collector = Collector.create("c1", Env.unique("cg_timer60"), topic, "*").start();

        long due = System.currentTimeMillis() + 60_000;
        Message m = new Message(topic, "TagA", Bodies.utf8("in 60 s"));
        m.setKeys(Env.unique("t60"));
        Compat.deliverTimeMs(m, due);
        SendResult s = producer.send(m);
        assertEquals(SendStatus.SEND_OK, s.getSendStatus(), "send +60 s: " + s);

        List<Collector.Delivery> ds = collector.awaitDeliveries("the +60 s timer", 1, Duration.ofSeconds(120),
            x -> m.getKeys().equals(x.getKeys()));
        MessageExt x = ds.get(0).msg();
        assertEquals(s.getMsgId(), x.getMsgId(), "keeps its msgId");
        assertTrue(x.getStoreTimestamp() >= due, "stored in its topic at " + x.getStoreTimestamp() + ", before the asked " + due);
        assertTrue(x.getStoreTimestamp() <= due + TICK_MS + SLACK_MS,
            "stored " + (x.getStoreTimestamp() - due) + " ms after the asked time, more than one tick (" + TICK_MS + " ms) + " + SLACK_MS + " ms");
        assertEquals(String.valueOf(due), x.getProperty("TIMER_DELIVER_MS"), "TIMER_DELIVER_MS kept");
        assertEquals(1, collector.deliveries().size(), "delivered once: " + collector.deliveries());
    }

    @Test
    @DisplayName("timer.just-under-max-delay-parked")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void justUnderTheMaxIsParked() throws Exception {
        Versions.assumeBroker5(admin, "timer messages (TIMER_DELAY_SEC / TIMER_DELIVER_MS) are a 5.x broker feature");
        String topic = Clients.createTopic(admin, "timer_far", 1);
        String broker = Clients.masters(admin).values().iterator().next();

        Message under = new Message(topic, "TagA", Bodies.utf8("max - 5 s"));
        Compat.delayTimeSec(under, MAX_DELAY_SEC - 5);
        SendResult sUnder = producer.send(under);
        assertEquals(SendStatus.SEND_OK, sUnder.getSendStatus(), "send at max - 5 s: " + sUnder);
        Message atMax = new Message(topic, "TagA", Bodies.utf8("exactly the max"));
        Compat.delayTimeSec(atMax, MAX_DELAY_SEC);
        SendResult sMax = producer.send(atMax);
        assertEquals(SendStatus.SEND_OK, sMax.getSendStatus(), "send at exactly the max: " + sMax);

        // The timer service enqueues from rmq_sys_wheel_timer asynchronously: wait until both count as pending.
        String[] last = {""};
        Await.condition("both timers pending in the timer metrics of " + topic, Duration.ofSeconds(30), () -> {
            last[0] = BrokerRaw.timerMetrics(broker);
            return BrokerRaw.timingCount(last[0], topic) == 2;
        }, () -> "GET_TIMER_METRICS: " + last[0]);

        Map<MessageQueue, long[]> offsets = Compat.topicOffsets(admin, topic);
        for (Map.Entry<MessageQueue, long[]> e : offsets.entrySet()) {
            assertEquals(0L, e.getValue()[1], "nothing stored in " + e.getKey() + " while the timers are parked");
        }
    }
}
