package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Normal messages through the proxy: the gRPC producer's SendMessage becomes SEND_MESSAGE_V2 to the broker, the
 * SimpleConsumer's ReceiveMessage becomes POP_MESSAGE, its Ack ACK_MESSAGE, its ChangeInvisibleDuration
 * CHANGE_MESSAGE_INVISIBLETIME (Java: proxy ReceiveMessageActivity, AckMessageActivity,
 * ChangeInvisibleDurationActivity). A message not acked comes back after its invisible time; an acked one never.
 */
class SimpleConsumerTest extends GrpcScenario<SimpleConsumer> {
    private static final Duration INVISIBLE = Duration.ofSeconds(3);
    private static final Duration BOUND = Duration.ofSeconds(40);

    @Test
    @DisplayName("grpc.normal-send-simple-receive-ack")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sendReceiveAck() throws Exception {
        String topic = admin.createTopic("grpc_normal", "NORMAL", 2);
        String group = GrpcEnv.unique("grpc_cg_normal");
        consumer = Grpc.simpleConsumer(group, topic, Grpc.tag("*"));
        producer = Grpc.producer(topic);
        Set<String> sentIds = new HashSet<>();
        Set<String> sentBodies = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String body = "normal-" + i;
            SendReceipt r = producer.send(Grpc.message(topic, body).setTag("TagA").setKeys("key-" + i).addProperty("idx", Integer.toString(i)).build());
            sentIds.add(r.getMessageId().toString());
            sentBodies.add(body);
        }
        List<MessageView> got = Grpc.receive(consumer, 8, INVISIBLE, BOUND, true);
        assertEquals(sentBodies, new HashSet<>(Grpc.bodies(got)), "bodies received through the proxy");
        Set<String> gotIds = new HashSet<>();
        for (MessageView m : got) {
            gotIds.add(m.getMessageId().toString());
            String idx = Grpc.body(m).substring("normal-".length());
            assertEquals("TagA", m.getTag().orElse(null), "tag of " + m);
            assertEquals(List.of("key-" + idx), new ArrayList<>(m.getKeys()), "keys of " + m);
            assertEquals(idx, m.getProperties().get("idx"), "user property of " + m);
            assertEquals(1, m.getDeliveryAttempt(), "first delivery of " + m);
        }
        assertEquals(sentIds, gotIds, "message ids: the send receipts' = the received ones'");
        // every message was acked: none comes back after its invisible time
        List<MessageView> again = Grpc.receive(consumer, 1, INVISIBLE, INVISIBLE.plusSeconds(3), true);
        assertEquals(List.of(), Grpc.bodies(again), "acked messages redelivered");
    }

    @Test
    @DisplayName("grpc.simple-redeliver-unacked-and-change-invisible-duration")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void changeInvisibleDuration() throws Exception {
        String topic = admin.createTopic("grpc_inv", "NORMAL", 1);
        String group = GrpcEnv.unique("grpc_cg_inv");
        consumer = Grpc.simpleConsumer(group, topic, Grpc.tag("*"));
        producer = Grpc.producer(topic);
        producer.send(Grpc.message(topic, "a").build());
        producer.send(Grpc.message(topic, "b").build());

        List<MessageView> first = Grpc.receive(consumer, 2, INVISIBLE, BOUND, false);
        assertEquals(Set.of("a", "b"), new HashSet<>(Grpc.bodies(first)), "first delivery");
        MessageView a = first.stream().filter(m -> Grpc.body(m).equals("a")).findFirst().orElseThrow();
        MessageView b = first.stream().filter(m -> Grpc.body(m).equals("b")).findFirst().orElseThrow();
        // a: never acked -> back after INVISIBLE with deliveryAttempt 2; b: invisible time extended to 30 s -> stays away
        consumer.changeInvisibleDuration(b, Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        List<MessageView> second = Grpc.receive(consumer, 1, INVISIBLE, BOUND, false);
        assertEquals(List.of("a"), Grpc.bodies(second), "second delivery: only the message whose invisible time ran out");
        assertEquals(2, second.get(0).getDeliveryAttempt(), "delivery attempt of the redelivered message");
        consumer.ack(second.get(0));
        // b is still invisible for ~30 s: nothing comes for INVISIBLE + 3 s
        List<MessageView> third = Grpc.receive(consumer, 1, INVISIBLE, INVISIBLE.plusSeconds(3), false);
        assertEquals(List.of(), Grpc.bodies(third), "the message whose invisible time was extended came back early");
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(30)) < 0, "test ran past b's new invisible time");
        // a receipt handle changed by changeInvisibleDuration still acks (the client keeps the new handle)
        consumer.ack(b);
        assertTrue(a.getDeliveryAttempt() == 1, "first delivery attempt of a");
    }
}
