package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
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
 * Recalling a timer message with the remoting client 5.5.0 (DefaultMQProducer#recallMessage; 4.9.8 has none, so
 * this class is in the 5.x adapter tree). Java: SendMessageProcessor#attachRecallHandle gives the send result a
 * recall handle, RecallMessageProcessor (RECALL_MESSAGE, 370) writes a marker that the timer wheel uses to drop the
 * message. recallMessageEnable is off by default (Java and Apogee): it is switched on with updateBrokerConfig, as
 * `mqadmin updateBrokerConfig -k recallMessageEnable -v true` does. Two timer messages are sent; the first is
 * recalled and never delivered, the second (due 1 s later) is.
 */
@Tag("broker")
class RecallTest extends ClientTest {

    @Test
    @DisplayName("recall.timer-message-not-delivered")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void recalledTimerMessageIsNotDelivered() throws Exception {
        Versions.assumeBroker5(admin, "recalling timer messages (RECALL_MESSAGE) is a 5.x broker feature");
        Properties p = new Properties();
        p.setProperty("recallMessageEnable", "true");
        for (String addr : Clients.masters(admin).values()) {
            admin.updateBrokerConfig(addr, p);
        }
        String topic = Clients.createTopic(admin, "recall", 1);
        collector = Collector.create("c1", Env.unique("cg_recall"), topic, "*");
        collector.start();

        long now = System.currentTimeMillis();
        Message doomed = new Message(topic, "TagA", Bodies.utf8("recalled"));
        doomed.setKeys(Env.unique("recalled"));
        doomed.setDeliverTimeMs(now + 2_000);
        SendResult s1 = producer.send(doomed);
        assertEquals(SendStatus.SEND_OK, s1.getSendStatus(), "send: " + s1);
        assertNotNull(s1.getRecallHandle(), "the send result of a timer message carries a recall handle: " + s1);
        Message kept = new Message(topic, "TagA", Bodies.utf8("kept"));
        kept.setKeys(Env.unique("kept"));
        kept.setDeliverTimeMs(now + 3_000);
        assertEquals(SendStatus.SEND_OK, producer.send(kept).getSendStatus());

        String recalledId = producer.recallMessage(topic, s1.getRecallHandle());
        assertEquals(s1.getMsgId(), recalledId, "RECALL_MESSAGE answers the recalled message's id");

        collector.awaitDeliveries("the message that was not recalled", 1, Duration.ofSeconds(40), x -> kept.getKeys().equals(x.getKeys()));
        Thread.sleep(1_500); // 'recalled' was due 1 s before 'kept'
        List<Collector.Delivery> ds = collector.deliveries();
        assertTrue(ds.stream().noneMatch(d -> doomed.getKeys().equals(d.msg().getKeys())), "the recalled timer message was delivered: " + ds);
    }
}
