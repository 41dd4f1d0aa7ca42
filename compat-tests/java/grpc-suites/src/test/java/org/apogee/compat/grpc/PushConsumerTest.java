package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apogee.compat.grpc.support.Await;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PushConsumer through the proxy: the client asks the proxy for its assignments (QueryAssignment), long-polls each
 * with ReceiveMessage (POP), runs the listener and acks SUCCESS (ACK_MESSAGE); a FAILURE is retried (the message comes
 * back with deliveryAttempt 2). FIFO: a FIFO topic and an orderly group — the proxy POPs with order=true and the
 * client hands each message group's messages to the listener one at a time, in send order.
 */
class PushConsumerTest extends GrpcScenario<PushConsumer> {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    @DisplayName("grpc.push-consumer-consume-and-retry")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void pushConsume() throws Exception {
        String topic = admin.createTopic("grpc_push", "NORMAL", 2);
        String group = GrpcEnv.unique("grpc_cg_push");
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        AtomicBoolean failedOnce = new AtomicBoolean();
        consumer = Grpc.PROVIDER.newPushConsumerBuilder()
            .setClientConfiguration(Grpc.config())
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Grpc.sub(topic, Grpc.tag("*")))
            .setMessageListener(m -> {
                String body = Grpc.body(m);
                attempts.computeIfAbsent(body, k -> Collections.synchronizedList(new ArrayList<>())).add(m.getDeliveryAttempt());
                // "retry-me" fails its first delivery: the consumer asks for it again (not acked)
                if (body.equals("retry-me") && failedOnce.compareAndSet(false, true)) {
                    return ConsumeResult.FAILURE;
                }
                return ConsumeResult.SUCCESS;
            })
            .build();
        producer = Grpc.producer(topic);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            producer.send(Grpc.message(topic, "push-" + i).setTag("T").build());
            sent.add("push-" + i);
        }
        producer.send(Grpc.message(topic, "retry-me").setTag("T").build());
        sent.add("retry-me");
        Await.until("every message consumed, retry-me twice", BOUND, () -> {
            List<Integer> r = attempts.get("retry-me");
            return attempts.keySet().containsAll(sent) && r != null && r.size() >= 2 ? Boolean.TRUE : null;
        });
        Thread.sleep(2_000); // a message consumed twice by mistake would show up now
        Map<String, List<Integer>> snapshot = new HashMap<>(attempts);
        assertEquals(sent, snapshot.keySet(), "bodies consumed");
        for (String b : sent) {
            List<Integer> a = new ArrayList<>(snapshot.get(b));
            if (b.equals("retry-me")) {
                assertEquals(List.of(1, 2), a, "delivery attempts of the message that failed once");
            } else {
                assertEquals(List.of(1), a, "delivery attempts of " + b);
            }
        }
    }

    @Test
    @DisplayName("grpc.fifo-message-group-order")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void fifoOrder() throws Exception {
        String topic = admin.createTopic("grpc_fifo", "FIFO", 2);
        String group = admin.createGroup("grpc_cg_fifo", true);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        consumer = Grpc.PROVIDER.newPushConsumerBuilder()
            .setClientConfiguration(Grpc.config())
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Grpc.sub(topic, Grpc.tag("*")))
            .setMessageListener(m -> {
                String[] parts = Grpc.body(m).split(":");
                seen.computeIfAbsent(parts[0], k -> Collections.synchronizedList(new ArrayList<>())).add(Integer.parseInt(parts[1]));
                return ConsumeResult.SUCCESS;
            })
            .build();
        producer = Grpc.producer(topic);
        List<String> groups = List.of("order-A", "order-B", "order-C");
        int perGroup = 8;
        for (int i = 0; i < perGroup; i++) {
            for (String g : groups) {
                producer.send(Grpc.message(topic, g + ":" + i).setTag("T").setMessageGroup(g).build());
            }
        }
        Await.until("all FIFO messages consumed", BOUND, () -> {
            for (String g : groups) {
                List<Integer> l = seen.get(g);
                if (l == null || l.size() < perGroup) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perGroup; i++) {
            expected.add(i);
        }
        for (String g : groups) {
            assertEquals(expected, new ArrayList<>(seen.get(g)), "order within message group " + g);
        }
        assertTrue(seen.keySet().containsAll(groups), "message groups consumed: " + seen.keySet());
    }
}
