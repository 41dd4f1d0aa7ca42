package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.AckCallback;
import org.apache.rocketmq.client.consumer.AckResult;
import org.apache.rocketmq.client.consumer.AckStatus;
import org.apache.rocketmq.client.consumer.PopCallback;
import org.apache.rocketmq.client.consumer.PopResult;
import org.apache.rocketmq.client.consumer.PopStatus;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.header.AckMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PopMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Orderly POP (FIFO, issue 15 step 1), client 5.5.0 only. The 5.5.0 remoting DefaultMQPushConsumer cannot drive it:
 * in POP mode it always sends order=false, and its ConsumeMessagePopOrderlyService.ConsumeRequest#run consumes
 * nothing ("POPTODO think of pop mode orderly implementation later"). Orderly POP is what the 5.x proxy sends for
 * FIFO groups, through the same client library: MQClientAPIImpl#popMessageAsync with PopMessageRequestHeader
 * order=true and #ackMessageAsync. This scenario drives the broker that way (Java: PopMessageProcessor with order,
 * ConsumerOrderInfoManager, AckMessageProcessor#ackOrderly): one batch in flight per queue and group, the queue
 * blocked until acked or the invisible time passes, the same batch again after that (reconsumeTimes from
 * orderCountInfo), acks commit the consumer offset, other queues independent, every queue in send order.
 */
@Tag("broker")
class PopOrderlyTest extends ClientTest {

    private static final long INVISIBLE_MS = 5_000;

    private MQClientAPIImpl api() {
        return producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
    }

    private PopResult pop(String brokerName, String addr, String topic, String group, int queueId, int max, long pollMs)
        throws Exception {
        PopMessageRequestHeader h = new PopMessageRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(topic);
        h.setQueueId(queueId);
        h.setMaxMsgNums(max);
        h.setInvisibleTime(INVISIBLE_MS);
        h.setPollTime(pollMs);
        h.setBornTime(System.currentTimeMillis());
        h.setInitMode(0);
        h.setExpType("TAG");
        h.setExp("*");
        h.setOrder(true);
        CompletableFuture<PopResult> f = new CompletableFuture<>();
        api().popMessageAsync(brokerName, addr, h, pollMs + 10_000, new PopCallback() {
            @Override
            public void onSuccess(PopResult r) {
                f.complete(r);
            }

            @Override
            public void onException(Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(pollMs + 15_000, TimeUnit.MILLISECONDS);
    }

    private void ack(String addr, String group, MessageExt m) throws Exception {
        AckMessageRequestHeader h = new AckMessageRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(m.getTopic());
        h.setQueueId(m.getQueueId());
        h.setOffset(m.getQueueOffset());
        h.setExtraInfo(m.getProperty(MessageConst.PROPERTY_POP_CK));
        CompletableFuture<AckResult> f = new CompletableFuture<>();
        api().ackMessageAsync(addr, 10_000, new AckCallback() {
            @Override
            public void onSuccess(AckResult r) {
                f.complete(r);
            }

            @Override
            public void onException(Throwable e) {
                f.completeExceptionally(e);
            }
        }, h);
        assertEquals(AckStatus.OK, f.get(15, TimeUnit.SECONDS).getStatus(), "ack of " + m.getQueueOffset());
    }

    private long committed(String addr, String topic, String group, int queueId) throws Exception {
        QueryConsumerOffsetRequestHeader h = new QueryConsumerOffsetRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(topic);
        h.setQueueId(queueId);
        return api().queryConsumerOffset(addr, h, 10_000);
    }

    private static List<String> bodies(PopResult r) {
        return r.getMsgFoundList().stream().map(m -> new String(m.getBody(), java.nio.charset.StandardCharsets.UTF_8))
            .collect(Collectors.toList());
    }

    @Test
    @DisplayName("pop.orderly-one-batch-per-queue-in-order")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void orderlyPopKeepsOrderPerQueue() throws Exception {
        Versions.assumeBroker5(admin, "POP consumption is a 5.x broker feature");
        String topic = Clients.createTopic(admin, "pop_ord", 2);
        String group = Env.unique("cg_pop_ord");
        String brokerName = Clients.masters(admin).keySet().iterator().next();
        String addr = Clients.masters(admin).get(brokerName);
        admin.createAndUpdateSubscriptionGroupConfig(addr, newGroup(group));

        List<MessageQueue> mqs = new ArrayList<>(Clients.queues(producer, topic));
        mqs.removeIf(q -> !q.getBrokerName().equals(brokerName));
        List<List<String>> sent = new ArrayList<>();
        for (MessageQueue q : mqs) {
            List<String> bs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String b = "q" + q.getQueueId() + " #" + i;
                SendResult r = producer.send(new Message(topic, "TagA", Bodies.utf8(b)), q);
                assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send " + b);
                bs.add(b);
            }
            sent.add(bs);
        }
        int q0 = mqs.get(0).getQueueId();
        int q1 = mqs.get(1).getQueueId();

        // Queue 0: the first batch of three, in order.
        PopResult a = pop(brokerName, addr, topic, group, q0, 3, 0);
        assertEquals(PopStatus.FOUND, a.getPopStatus(), "first orderly POP: " + a);
        assertEquals(sent.get(0).subList(0, 3), bodies(a));
        for (MessageExt m : a.getMsgFoundList()) {
            assertEquals(0, m.getReconsumeTimes());
            assertEquals("999", m.getProperty(MessageConst.PROPERTY_POP_CK).split(" ")[3], "reviveQid 999 marks orderly POP: " + m);
        }
        // Blocked: nothing more from queue 0 while its batch is in flight; queue 1 is independent.
        PopResult blocked = pop(brokerName, addr, topic, group, q0, 3, 0);
        assertTrue(blocked.getMsgFoundList() == null || blocked.getMsgFoundList().isEmpty(), "queue 0 blocked: " + blocked);
        PopResult b = pop(brokerName, addr, topic, group, q1, 3, 0);
        assertEquals(sent.get(1).subList(0, 3), bodies(b), "queue 1 is not blocked by queue 0");
        assertEquals(0L, committed(addr, topic, group, q0), "the offset stays at the batch in flight");

        // Not acked: the same batch comes back after the invisible time, counted as a redelivery.
        long t0 = System.currentTimeMillis();
        PopResult again = pop(brokerName, addr, topic, group, q0, 3, 15_000);
        long waited = System.currentTimeMillis() - t0;
        assertEquals(PopStatus.FOUND, again.getPopStatus(), "the batch comes back: " + again);
        assertEquals(sent.get(0).subList(0, 3), bodies(again), "the same batch, in order");
        assertTrue(waited >= 2_000, "the batch came back only after its invisible time, waited " + waited + " ms");
        for (MessageExt m : again.getMsgFoundList()) {
            assertEquals(1, m.getReconsumeTimes(), "reconsumeTimes from orderCountInfo: " + m);
        }
        // Acked in order: the offset is committed and the next batch is released.
        for (MessageExt m : again.getMsgFoundList()) {
            ack(addr, group, m);
        }
        assertEquals(3L, committed(addr, topic, group, q0), "acks commit the offset");
        PopResult next = pop(brokerName, addr, topic, group, q0, 3, 5_000);
        assertEquals(sent.get(0).subList(3, 6), bodies(next), "the next batch, in order");
        for (MessageExt m : next.getMsgFoundList()) {
            assertEquals(0, m.getReconsumeTimes());
            ack(addr, group, m);
        }
        for (MessageExt m : b.getMsgFoundList()) {
            ack(addr, group, m);
        }
        PopResult rest = pop(brokerName, addr, topic, group, q1, 32, 5_000);
        assertEquals(sent.get(1).subList(3, 6), bodies(rest), "queue 1's rest, in order");
        for (MessageExt m : rest.getMsgFoundList()) {
            ack(addr, group, m);
        }
        assertEquals(6L, committed(addr, topic, group, q0));
        assertEquals(6L, committed(addr, topic, group, q1));
    }

    private static SubscriptionGroupConfig newGroup(String group) {
        SubscriptionGroupConfig c = new SubscriptionGroupConfig();
        c.setGroupName(group);
        return c;
    }
}
