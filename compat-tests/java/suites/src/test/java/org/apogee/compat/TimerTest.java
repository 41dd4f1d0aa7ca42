package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timer messages (issue 12): Message#setDelayTimeSec / #setDeliverTimeMs (5.x; the same TIMER_* properties set
 * directly with client 4.9.8). A 5.x broker (timerWheelEnable=true by default, timerPrecisionMs 1000) parks them in
 * rmq_sys_wheel_timer and stores them in their topic once their wheel slot is over: not before the asked time, and
 * within one tick (1 s) of it — plus SLACK_MS for the broker's 100 ms polling and a loaded machine. A delay beyond
 * timerMaxDelaySec (3 days) is refused with MESSAGE_ILLEGAL (Java: HookUtils#transformTimerMessage,
 * SendMessageProcessor#handlePutMessageResult).
 */
@Tag("broker")
class TimerTest extends ClientTest {
    private static final long TICK_MS = 1000;
    private static final long SLACK_MS = 500;

    @Test
    @DisplayName("timer.deliver-at-1s-and-6s")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void deliverAtTheirTime() throws Exception {
        Versions.assumeBroker5(admin, "timer messages (TIMER_DELAY_SEC / TIMER_DELIVER_MS) are a 5.x broker feature");
        String topic = Clients.createTopic(admin, "timer", 1);
        String group = Env.unique("cg_timer");
        collector = Collector.create("c1", group, topic, "*");
        collector.start();

        long before1 = System.currentTimeMillis();
        Message m1 = new Message(topic, "TagA", Bodies.utf8("in 1 s"));
        m1.setKeys(Env.unique("t1"));
        Compat.delayTimeSec(m1, 1);
        SendResult s1 = producer.send(m1);
        assertEquals(SendStatus.SEND_OK, s1.getSendStatus(), "send +1 s: " + s1);
        long due1 = before1 + 1000;

        long due6 = System.currentTimeMillis() + 6000;
        Message m6 = new Message(topic, "TagA", Bodies.utf8("in 6 s"));
        m6.setKeys(Env.unique("t6"));
        Compat.deliverTimeMs(m6, due6);
        SendResult s6 = producer.send(m6);
        assertEquals(SendStatus.SEND_OK, s6.getSendStatus(), "send +6 s: " + s6);

        List<Collector.Delivery> ds = collector.awaitDeliveries("both timer messages", 2, Duration.ofSeconds(60),
            x -> x.getKeys() != null && (x.getKeys().equals(m1.getKeys()) || x.getKeys().equals(m6.getKeys())));
        for (Collector.Delivery d : ds) {
            MessageExt x = d.msg();
            boolean one = x.getKeys().equals(m1.getKeys());
            long due = one ? due1 : due6;
            String what = one ? "+1 s" : "+6 s";
            assertEquals(topic, x.getTopic(), what + ": delivered to its own topic");
            assertEquals(one ? s1.getMsgId() : s6.getMsgId(), x.getMsgId(), what + ": keeps its msgId");
            assertTrue(x.getStoreTimestamp() >= due, what + ": stored in its topic at " + x.getStoreTimestamp() + ", before the asked " + due);
            assertTrue(x.getStoreTimestamp() <= due + TICK_MS + SLACK_MS,
                what + ": stored " + (x.getStoreTimestamp() - due) + " ms after the asked time, more than one tick (" + TICK_MS + " ms) + " + SLACK_MS + " ms");
            assertTrue(x.getProperty("TIMER_OUT_MS") != null, what + ": TIMER_OUT_MS kept");
            assertTrue(x.getProperty("TIMER_DEQUEUE_MS") != null, what + ": TIMER_DEQUEUE_MS set");
            assertTrue(x.getProperty("TIMER_ENQUEUE_MS") != null, what + ": TIMER_ENQUEUE_MS set");
            // A 5.5.0 broker stores the delivered message with REAL_TOPIC/REAL_QID still set.
            assertEquals(topic, x.getProperty("REAL_TOPIC"), what + ": REAL_TOPIC " + x.getProperties());
            assertEquals("0", x.getProperty("REAL_QID"), what + ": REAL_QID " + x.getProperties());
        }
        assertEquals(2, collector.deliveries().size(), "each timer message delivered once: " + collector.deliveries());
    }

    @Test
    @DisplayName("timer.beyond-max-delay-refused")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void beyondMaxDelayRefused() throws Exception {
        Versions.assumeBroker5(admin, "timer messages (TIMER_DELAY_SEC / TIMER_DELIVER_MS) are a 5.x broker feature");
        String topic = Clients.createTopic(admin, "timer_max", 1);
        Message m = new Message(topic, "TagA", Bodies.utf8("too far"));
        Compat.delayTimeSec(m, 3L * 24 * 3600 + 3600);
        MQBrokerException e = assertThrows(MQBrokerException.class, () -> producer.send(m));
        assertEquals(13, e.getResponseCode(), "MESSAGE_ILLEGAL: " + e);
        assertTrue(e.getErrorMessage().contains("timer message illegal, the delay time should not be bigger than the max delay 259200000ms"),
            "remark: " + e.getErrorMessage());
    }
}
