package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Recalling a delay message (Java 5.5: RecallMessageProcessor; gRPC RecallMessage, rocketmq-client-java 5.2.0
 * Producer#recallMessage). The broker's recallMessageEnable is switched on first (off by default, as in Java), the
 * way an operator does with mqadmin updateBrokerConfig. Two delay messages are sent; the send receipt of each carries
 * a recall handle; the first is recalled and must never be delivered, the second (due later) is.
 * Producer#recallMessage and SendReceipt#getRecallHandle are called by reflection: older clients (5.0.8, which the
 * suite may be run with) lack them, and then the scenario is skipped.
 */
class RecallTest extends GrpcScenario<SimpleConsumer> {
    private static final Duration INVISIBLE = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(40);

    @Test
    @DisplayName("grpc.recall-delay-message")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void recall() throws Exception {
        Method recallMessage = method(Producer.class, "recallMessage", String.class, String.class);
        Method recallHandle = method(SendReceipt.class, "getRecallHandle");
        Assumptions.assumeTrue(recallMessage != null && recallHandle != null, "this rocketmq-client-java has no Producer#recallMessage (added after 5.0.8)");
        admin.updateBrokerConfig("recallMessageEnable", "true");
        String topic = admin.createTopic("grpc_recall", "DELAY", 1);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_recall"), topic, Grpc.tag("*"));
        producer = Grpc.producer(topic);
        long now = System.currentTimeMillis();
        SendReceipt doomed = producer.send(Grpc.message(topic, "recalled").setTag("T").setDeliveryTimestamp(now + 2_000).build());
        producer.send(Grpc.message(topic, "kept").setTag("T").setDeliveryTimestamp(now + 3_000).build());
        String handle = (String) recallHandle.invoke(doomed);
        assertNotNull(handle, "the send receipt of a delay message carries a recall handle");
        assertFalse(handle.isEmpty(), "the send receipt of a delay message carries a recall handle");

        Object receipt = recallMessage.invoke(producer, topic, handle);
        Object recalledId = receipt.getClass().getMethod("getMessageId").invoke(receipt);
        assertEquals(doomed.getMessageId().toString(), String.valueOf(recalledId), "the recall receipt names the recalled message");

        List<MessageView> got = new ArrayList<>(Grpc.receive(consumer, 1, INVISIBLE, BOUND, true));
        // 'recalled' was due 1 s before 'kept': had it not been recalled it would have come first; wait a little more anyway.
        got.addAll(Grpc.receive(consumer, 1, INVISIBLE, Duration.ofSeconds(1), true));
        assertEquals(List.of("kept"), Grpc.bodies(got), "the recalled delay message is never delivered");
    }

    private static Method method(Class<?> c, String name, Class<?>... params) {
        try {
            return c.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
