package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.RouteView;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NameServer proofs (issue 3): the official client finds brokers only through the target NameServer, with a
 * broker (Apache or Apogee) registered behind it.
 */
@Tag("nameserver")
class NameServerTest extends ClientTest {

    @Test
    @DisplayName("ns.route-lookup")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void routeLookup() throws Exception {
        // Cluster info (106): at least one cluster with a master broker.
        Map<String, List<String>> clusters = Compat.clusters(admin);
        assertFalse(clusters.isEmpty(), "GET_BROKER_CLUSTER_INFO lists no cluster");
        Map<String, String> masters = Clients.masters(admin);
        for (Map.Entry<String, String> m : masters.entrySet()) {
            assertTrue(clusters.values().stream().anyMatch(names -> names.contains(m.getKey())),
                "broker " + m.getKey() + " is in brokerAddrTable but in no cluster of clusterAddrTable " + clusters);
        }

        // A topic created on every master is routed (105) with its queues and the masters' addresses.
        String topic = Clients.createTopic(admin, "ns_route", 4);
        RouteView route = Compat.route(admin, topic);
        assertEquals(masters.size(), route.queues().size(), "one QueueData per broker: " + route);
        for (RouteView.QueueView q : route.queues()) {
            assertEquals(4, q.readQueueNums(), "readQueueNums of " + q);
            assertEquals(4, q.writeQueueNums(), "writeQueueNums of " + q);
            assertEquals(6, q.perm(), "perm (RW) of " + q);
            assertEquals(masters.get(q.brokerName()), route.brokers().getOrDefault(q.brokerName(), Map.of()).get(0L),
                "the route's master address of " + q.brokerName() + " must match the cluster info: " + route);
        }

        // The clients' own route lookups agree.
        List<MessageQueue> pub = Clients.queues(producer, topic);
        assertEquals(4 * masters.size(), pub.size(), "producer.fetchPublishMessageQueues(" + topic + ") = " + pub);
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(Env.unique("cg"));
        c.setNamesrvAddr(Env.namesrv());
        c.setInstanceName(Env.unique("consumer"));
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        c.subscribe(topic, "*"); // a push consumer resolves routes of the topics it subscribes to
        c.start();
        try {
            Set<MessageQueue> sub = c.fetchSubscribeMessageQueues(topic);
            assertEquals(4 * masters.size(), sub.size(), "consumer.fetchSubscribeMessageQueues(" + topic + ") = " + sub);
        } finally {
            c.shutdown();
        }

        // TBW102 (auto-create template) is routed when the broker has autoCreateTopicEnable.
        RouteView tbw = Compat.route(admin, "TBW102");
        assertFalse(tbw.queues().isEmpty(), "TBW102 has no QueueData: " + tbw);

        // Unknown topic: TOPIC_NOT_EXIST (17).
        String missing = Env.unique("ns_missing");
        MQClientException e = assertThrows(MQClientException.class, () -> Compat.route(admin, missing),
            "route of a topic nobody created must fail");
        assertEquals(17, e.getResponseCode(), "response code for an unknown topic (TOPIC_NOT_EXIST): " + e);
    }

    @Test
    @DisplayName("ns.send-consume")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sendAndConsume() throws Exception {
        String topic = Clients.createTopic(admin, "ns_sc", 4);
        int n = 64;
        Map<String, byte[]> sent = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] body = Bodies.utf8("ns.send-consume #" + i + " " + Env.unique("b"));
            SendResult r = producer.send(new Message(topic, "TagA", body));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i + ": " + r);
            sent.put(r.getMsgId(), body);
        }
        collector = Collector.create("c1", Env.unique("cg"), topic, "*").start();
        Map<String, MessageExt> got = collector.awaitIds("all sent messages consumed", sent.keySet(), Duration.ofSeconds(60));
        for (Map.Entry<String, byte[]> e : sent.entrySet()) {
            MessageExt m = got.get(e.getKey());
            assertTrue(java.util.Arrays.equals(e.getValue(), m.getBody()),
                "body of " + e.getKey() + ": sent " + Bodies.describe(e.getValue()) + ", got " + Bodies.describe(m.getBody()));
        }
        assertEquals(n, collector.deliveries().size(), "exactly one delivery per message, got counts " + collector.deliveryCounts());
    }

    @Test
    @DisplayName("ns.topic-autocreate-tbw102")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void autoCreateThroughTbw102() throws Exception {
        String topic = Env.unique("ns_auto");
        MQClientException before = assertThrows(MQClientException.class, () -> Compat.route(admin, topic),
            "the topic must not exist before the first send");
        assertEquals(17, before.getResponseCode(), "TOPIC_NOT_EXIST before the first send: " + before);

        // The producer has no route for the topic, uses TBW102's route and the broker creates the topic
        // (Java: DefaultMQProducerImpl#tryToFindTopicPublishInfo, AbstractSendMessageProcessor#msgCheck).
        SendResult r = producer.send(new Message(topic, Bodies.utf8("first message of an auto-created topic")));
        assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send to a new topic: " + r);

        // The broker registers the new topic with the NameServer; the queue count is
        // min(producer defaultTopicQueueNums = 4, TBW102 writeQueueNums) (Java: TopicConfigManager#createTopicInSendMessageMethod).
        RouteView route = Await.until("the NameServer routes the auto-created topic " + topic, Duration.ofSeconds(45),
            () -> Compat.route(admin, topic));
        int expectedPerBroker = Math.min(producer.getDefaultTopicQueueNums(),
            Compat.route(admin, "TBW102").queues().get(0).writeQueueNums());
        for (RouteView.QueueView q : route.queues()) {
            assertEquals(expectedPerBroker, q.writeQueueNums(), "write queues of the auto-created topic: " + route);
            assertEquals(expectedPerBroker, q.readQueueNums(), "read queues of the auto-created topic: " + route);
        }
        List<MessageQueue> pub = new ArrayList<>(producer.fetchPublishMessageQueues(topic));
        assertEquals(route.totalWriteQueues(), pub.size(), "producer view of the auto-created topic: " + pub);
        assertNotNull(route.brokers().get(r.getMessageQueue().getBrokerName()), "the broker that took the message is routed: " + route);
    }
}
