package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.message.MessageRequestMode;
import org.apogee.compat.support.Await;
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
 * POP consumption with the remoting client (issue 15 step 1), client 5.5.0 only (4.9.8 has no POP; this class is in
 * the 5.x adapter source tree so the 4.9.8 build never sees it). The (topic, group) is switched to POP with
 * SET_MESSAGE_REQUEST_MODE (mqadmin setConsumeMode, DefaultMQAdminExt#setMessageRequestMode); a DefaultMQPushConsumer
 * with setClientRebalance(false) asks QUERY_ASSIGNMENT, gets queueId -1 in POP mode and consumes with POP_MESSAGE,
 * ACK_MESSAGE and CHANGE_MESSAGE_INVISIBLETIME (Java: QueryAssignmentProcessor, PopMessageProcessor,
 * AckMessageProcessor, ChangeInvisibleTimeProcessor, PopReviveService).
 */
@Tag("broker")
class PopConsumeTest extends ClientTest {

    private Collector popCollector(String topic, String group) throws Exception {
        Versions.assumeBroker5(admin, "POP consumption is a 5.x broker feature");
        for (String addr : Clients.masters(admin).values()) {
            admin.setMessageRequestMode(addr, topic, group, MessageRequestMode.POP, 0, 5_000);
        }
        Collector c = Collector.create("pop", group, topic, "*");
        c.consumer().setClientRebalance(false);
        return c;
    }

    private void awaitPopAssignment(Collector c, String topic) {
        Await.condition("the consumer holds a POP assignment (queueId -1) of " + topic, Duration.ofSeconds(60), () ->
            c.consumer().getDefaultMQPushConsumerImpl().getRebalanceImpl().getPopProcessQueueTable().keySet().stream()
                .anyMatch(q -> q.getTopic().equals(topic) && q.getQueueId() == -1),
            () -> "pop " + c.consumer().getDefaultMQPushConsumerImpl().getRebalanceImpl().getPopProcessQueueTable().keySet()
                + " pull " + c.consumer().getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet());
    }

    @Test
    @DisplayName("pop.push-consume-once")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void consumeEveryMessageOnce() throws Exception {
        String topic = Clients.createTopic(admin, "pop", 4);
        String group = Env.unique("cg_pop");
        collector = popCollector(topic, group);
        collector.start();
        awaitPopAssignment(collector, topic);
        Set<MessageQueue> pullQueues = collector.consumer().getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()
            .stream().filter(q -> q.getTopic().equals(topic)).collect(Collectors.toSet());
        assertTrue(pullQueues.isEmpty(), "no PULL queue of the topic in POP mode: " + pullQueues);

        Set<String> ids = new HashSet<>();
        for (SendResult r : sendEach(topic, 40, "pop")) ids.add(r.getMsgId());
        Map<String, MessageExt> got = collector.awaitIds("every message popped", ids, Duration.ofSeconds(60));
        // Acked messages never come back: wait beyond a short spell and count deliveries.
        Thread.sleep(3_000);
        Map<String, Integer> counts = collector.deliveryCounts();
        for (String id : ids) assertEquals(1, counts.get(id), "deliveries of " + id);
        for (MessageExt m : got.values()) {
            assertEquals(topic, m.getTopic());
            assertEquals(0, m.getReconsumeTimes());
            assertTrue(m.getProperty("POP_CK") != null && !m.getProperty("POP_CK").isEmpty(), "the client set POP_CK from the POP answer: " + m);
        }
    }

    @Test
    @DisplayName("pop.reconsume-later-back-after-invisible-time")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void reconsumeLaterComesBack() throws Exception {
        String topic = Clients.createTopic(admin, "pop_retry", 2);
        String group = Env.unique("cg_pop_retry");
        String key = Env.unique("pk");
        byte[] body = Bodies.utf8("pop retry " + key);
        collector = popCollector(topic, group);
        // First delivery: RECONSUME_LATER -> the client changes the invisible time to popDelayLevel[0] = 10 s
        // (CHANGE_MESSAGE_INVISIBLETIME); the broker revives it to %RETRY%<group>_<topic> and POP delivers it again.
        collector.behaviour((msg, ctx) -> key.equals(msg.getKeys()) && msg.getReconsumeTimes() == 0
            ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        collector.start();
        awaitPopAssignment(collector, topic);

        Message m = new Message(topic, "TagA", body);
        m.setKeys(key);
        m.putUserProperty("origin", "é-pop");
        SendResult sent = producer.send(m);
        assertEquals(SendStatus.SEND_OK, sent.getSendStatus(), "send: " + sent);

        List<Collector.Delivery> ds = collector.awaitDeliveries("the first delivery and one redelivery", 2, Duration.ofSeconds(90),
            x -> key.equals(x.getKeys()));
        Thread.sleep(3_000);
        ds = collector.deliveries(x -> key.equals(x.getKeys()));
        assertEquals(List.of(0, 1), ds.stream().map(d -> d.msg().getReconsumeTimes()).collect(Collectors.toList()),
            "reconsumeTimes of the deliveries (the second is acked: no third)");
        long gap = ds.get(1).atMillis() - ds.get(0).atMillis();
        assertTrue(gap >= 8_000, "redelivered after the 10 s invisible time set by the client, but the gap was " + gap + " ms");
        for (Collector.Delivery d : ds) {
            MessageExt x = d.msg();
            assertEquals(topic, x.getTopic(), "the redelivery shows the consumed topic");
            assertEquals(sent.getMsgId(), x.getMsgId(), "the UNIQ_KEY msgId is kept");
            assertArrayEquals(body, x.getBody());
            assertEquals("é-pop", x.getUserProperty("origin"));
        }
        String ck = ds.get(1).msg().getProperty("POP_CK");
        assertFalse(ck == null || ck.isEmpty(), "the redelivery carries POP_CK");
        assertEquals("1", ck.split(" ")[4], "the redelivery comes from the POP retry topic %RETRY%<group>_<topic> (mark 1): " + ck);
        assertTrue(ds.get(1).msg().getProperty("1ST_POP_TIME") != null, "1ST_POP_TIME set by the revive");
    }
}
