package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.header.AckMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.NotificationRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.NotificationResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.PeekMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PollingInfoRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PollingInfoResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.PopMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The POP requests the 5.x proxy sends besides POP/ACK (issue 15 step 1), client 5.5.0 only, through the client
 * library's own remoting client and Java's header classes (the 5.5.0 MQClientAPIImpl has no peek/notification
 * methods; the proxy's MQClientAPIExt sends the same commands): PEEK_MESSAGE (200052), NOTIFICATION (200054) with
 * long polling, POLLING_INFO (200055) (Java: PeekMessageProcessor, NotificationProcessor, PollingInfoProcessor); and
 * the proxy's DLQ path for a popped message, CONSUMER_SEND_MSG_BACK with delayLevel -1 then ACK
 * (ProducerProcessor#forwardMessageToDeadLetterQueue): the broker's revive never sends to the DLQ itself.
 */
@Tag("broker")
class PopProxyRequestsTest extends ClientTest {

    private MQClientAPIImpl api() {
        return producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
    }

    private String brokerName;
    private String addr;
    private String topic;
    private String group;

    private void setUp(String prefix) throws Exception {
        Versions.assumeBroker5(admin, "POP consumption is a 5.x broker feature");
        topic = Clients.createTopic(admin, prefix, 1);
        group = Env.unique("cg_" + prefix);
        brokerName = Clients.masters(admin).keySet().iterator().next();
        addr = Clients.masters(admin).get(brokerName);
        SubscriptionGroupConfig c = new SubscriptionGroupConfig();
        c.setGroupName(group);
        admin.createAndUpdateSubscriptionGroupConfig(addr, c);
    }

    private void sendTo(int n, String label) throws Exception {
        MessageQueue q = new MessageQueue(topic, brokerName, 0);
        for (int i = 0; i < n; i++) {
            producer.send(new org.apache.rocketmq.common.message.Message(topic, "TagA", (label + i).getBytes(StandardCharsets.UTF_8)), q);
        }
    }

    private RemotingCommand invoke(int code, org.apache.rocketmq.remoting.CommandCustomHeader h, long timeoutMs) throws Exception {
        return api().getRemotingClient().invokeSync(addr, RemotingCommand.createRequestCommand(code, h), timeoutMs);
    }

    private RemotingCommand peek() throws Exception {
        PeekMessageRequestHeader h = new PeekMessageRequestHeader();
        h.setTopic(topic);
        h.setQueueId(-1);
        h.setMaxMsgNums(32);
        h.setConsumerGroup(group);
        return invoke(RequestCode.PEEK_MESSAGE, h, 10_000);
    }

    /**
     * PEEK until it shows {@code want} messages (10 s at most). Java acknowledges a send once the commit log holds it and
     * dispatches the consume queue afterwards (DefaultMessageStore.ReputMessageService, every 1 ms), so a PEEK right
     * after SEND_OK may be answered PULL_NOT_FOUND "NO_MESSAGE_IN_QUEUE" or show fewer messages; the CI run of stop 34
     * saw that once on the Apache 5.5.0 broker.
     */
    private List<String> peekBodies(int want) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        while (true) {
            RemotingCommand p = peek();
            List<String> bodies = List.of();
            if (p.getCode() == ResponseCode.SUCCESS) {
                bodies = MessageDecoder.decodes(ByteBuffer.wrap(p.getBody())).stream().map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).collect(Collectors.toList());
            } else {
                assertEquals(ResponseCode.PULL_NOT_FOUND, p.getCode(), "PEEK: " + p);
            }
            if (bodies.size() >= want || System.currentTimeMillis() > until) {
                return bodies;
            }
            Thread.sleep(50);
        }
    }

    private NotificationResponseHeader notification(long pollMs) throws Exception {
        NotificationRequestHeader h = new NotificationRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(topic);
        h.setQueueId(-1);
        h.setPollTime(pollMs);
        h.setBornTime(System.currentTimeMillis());
        RemotingCommand r = invoke(RequestCode.NOTIFICATION, h, pollMs + 10_000);
        assertEquals(ResponseCode.SUCCESS, r.getCode(), "NOTIFICATION: " + r);
        return (NotificationResponseHeader) r.decodeCommandCustomHeader(NotificationResponseHeader.class);
    }

    private int pollingNum() throws Exception {
        PollingInfoRequestHeader h = new PollingInfoRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(topic);
        h.setQueueId(-1);
        RemotingCommand r = invoke(RequestCode.POLLING_INFO, h, 10_000);
        assertEquals(ResponseCode.SUCCESS, r.getCode(), "POLLING_INFO: " + r);
        return ((PollingInfoResponseHeader) r.decodeCommandCustomHeader(PollingInfoResponseHeader.class)).getPollingNum();
    }

    private CompletableFuture<PopResult> pop(long pollMs) throws Exception {
        PopMessageRequestHeader h = new PopMessageRequestHeader();
        h.setConsumerGroup(group);
        h.setTopic(topic);
        h.setQueueId(-1);
        h.setMaxMsgNums(32);
        h.setInvisibleTime(60_000);
        h.setPollTime(pollMs);
        h.setBornTime(System.currentTimeMillis());
        h.setInitMode(0);
        h.setExpType("TAG");
        h.setExp("*");
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
        return f;
    }

    private void ack(MessageExt m) throws Exception {
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
        assertEquals(AckStatus.OK, f.get(15, TimeUnit.SECONDS).getStatus());
    }

    @Test
    @DisplayName("pop.peek-notification-polling-info")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void peekNotificationPollingInfo() throws Exception {
        setUp("pop_peek");
        sendTo(2, "peek ");
        assertEquals(List.of("peek 0", "peek 1"), peekBodies(2), "PEEK shows the backlog");
        assertEquals(ResponseCode.SUCCESS, peek().getCode(), "PEEK again: peeking pops nothing");
        assertTrue(notification(0).isHasMsg(), "NOTIFICATION with a backlog: hasMsg");

        PopResult popped = pop(0).get(20, TimeUnit.SECONDS);
        assertEquals(PopStatus.FOUND, popped.getPopStatus());
        assertEquals(2, popped.getMsgFoundList().size(), "POP gets what PEEK showed");
        for (MessageExt m : popped.getMsgFoundList()) {
            ack(m);
        }
        assertEquals(ResponseCode.PULL_NOT_FOUND, peek().getCode(), "PEEK after the POP: nothing");
        assertFalse(notification(0).isHasMsg(), "NOTIFICATION after the POP: nothing (pollTime 0 answers at once)");

        // POLLING_INFO counts a held POP; a message wakes it.
        assertEquals(0, pollingNum());
        CompletableFuture<PopResult> held = pop(20_000);
        long until = System.currentTimeMillis() + 10_000;
        int n = 0;
        while (n == 0 && System.currentTimeMillis() < until) {
            Thread.sleep(100);
            n = pollingNum();
        }
        assertEquals(1, n, "POLLING_INFO pollingNum while one POP is held");
        sendTo(1, "wake ");
        PopResult woke = held.get(20, TimeUnit.SECONDS);
        assertEquals(PopStatus.FOUND, woke.getPopStatus(), "the held POP is woken by the message");
        for (MessageExt m : woke.getMsgFoundList()) {
            ack(m);
        }
        assertEquals(0, pollingNum());

        // A held NOTIFICATION answers hasMsg when a message arrives.
        CompletableFuture<NotificationResponseHeader> note = CompletableFuture.supplyAsync(() -> {
            try {
                return notification(20_000);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(1_000);
        long t0 = System.currentTimeMillis();
        sendTo(1, "later ");
        NotificationResponseHeader nh = note.get(30, TimeUnit.SECONDS);
        assertTrue(nh.isHasMsg(), "the held NOTIFICATION answers hasMsg");
        assertTrue(System.currentTimeMillis() - t0 < 15_000, "answered on arrival, not at its poll time");
    }

    @Test
    @DisplayName("pop.dlq-via-send-back-as-the-proxy")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dlqAsTheProxy() throws Exception {
        setUp("pop_dlq");
        sendTo(1, "dlq ");
        PopResult popped = pop(5_000).get(20, TimeUnit.SECONDS);
        assertEquals(PopStatus.FOUND, popped.getPopStatus());
        MessageExt m = popped.getMsgFoundList().get(0);
        // ProducerProcessor#forwardMessageToDeadLetterQueue: the commit log offset, delayLevel -1, then the ack.
        api().consumerSendMessageBack(addr, brokerName, m, group, -1, 10_000, 0);
        ack(m);
        String dlq = "%DLQ%" + group;
        long inDlq = 0;
        for (TopicOffset o : admin.examineTopicStats(dlq).getOffsetTable().values()) {
            inDlq += o.getMaxOffset() - o.getMinOffset();
        }
        assertEquals(1, inDlq, "the message is in " + dlq);
        PopResult again = pop(0).get(20, TimeUnit.SECONDS);
        assertTrue(again.getMsgFoundList() == null || again.getMsgFoundList().isEmpty(), "nothing more to pop: " + again);
    }
}
