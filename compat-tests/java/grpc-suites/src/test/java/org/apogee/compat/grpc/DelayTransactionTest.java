package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delay and transactional messages through the proxy.
 * Delay: the gRPC message's delivery timestamp becomes the TIMER_DELIVER_MS property (Java: proxy
 * SendMessageActivity#buildMessageProperty) and the broker's timer keeps the message until then (timer precision
 * 1 s: never more than one tick early).
 * Transactions: a TRANSACTION message is sent as a half message (TRAN_MSG property, prepared sys flag); commit and
 * rollback go to the proxy as EndTransaction and on to the broker as END_TRANSACTION. Only the committed one is ever
 * consumable.
 */
class DelayTransactionTest extends GrpcScenario<SimpleConsumer> {
    private static final Duration INVISIBLE = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(40);
    private static final long DELAY_MS = 4_000;
    /** The timer's tick (timerPrecisionMs 1000): a message may be delivered up to one tick before its time. */
    private static final long TICK_MS = 1_000;

    @Test
    @DisplayName("grpc.delay-message")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void delay() throws Exception {
        String topic = admin.createTopic("grpc_delay", "DELAY", 2);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_delay"), topic, Grpc.tag("*"));
        producer = Grpc.producer(topic);
        long due = System.currentTimeMillis() + DELAY_MS;
        producer.send(Grpc.message(topic, "later").setTag("T").setDeliveryTimestamp(due).build());
        List<MessageView> got = Grpc.receive(consumer, 1, INVISIBLE, BOUND, true);
        long at = System.currentTimeMillis();
        assertEquals(List.of("later"), Grpc.bodies(got), "the delay message");
        assertTrue(at >= due - TICK_MS, "delivered " + (due - at) + " ms before its delivery time");
        assertEquals(due, got.get(0).getDeliveryTimestamp().orElse(-1L), "delivery timestamp seen by the consumer");
    }

    @Test
    @DisplayName("grpc.transaction-commit-rollback")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void commitAndRollback() throws Exception {
        String topic = admin.createTopic("grpc_tx", "TRANSACTION", 2);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_tx"), topic, Grpc.tag("*"));
        Map<String, String> bodyById = new HashMap<>();
        producer = Grpc.PROVIDER.newProducerBuilder()
            .setClientConfiguration(Grpc.config())
            .setTopics(topic)
            // an orphaned transaction (never the case here unless an end is lost) is resolved from the body
            .setTransactionChecker(m -> Grpc.body(m).startsWith("commit") ? TransactionResolution.COMMIT : TransactionResolution.ROLLBACK)
            .build();
        Transaction t1 = producer.beginTransaction();
        SendReceipt r1 = producer.send(Grpc.message(topic, "commit-me").setTag("T").build(), t1);
        bodyById.put(r1.getMessageId().toString(), "commit-me");
        Transaction t2 = producer.beginTransaction();
        producer.send(Grpc.message(topic, "rollback-me").setTag("T").build(), t2);
        t2.rollback();
        t1.commit();
        List<MessageView> got = Grpc.receive(consumer, 1, INVISIBLE, BOUND, true);
        got.addAll(Grpc.receive(consumer, 1, INVISIBLE, Duration.ofSeconds(6), true));
        assertEquals(List.of("commit-me"), Grpc.bodies(got), "only the committed message is consumed");
        assertEquals(new HashSet<>(bodyById.keySet()), idSet(got.get(0).getMessageId().toString()), "message id of the committed message");
    }

    private static java.util.Set<String> idSet(String s) {
        return new HashSet<>(List.of(s));
    }
}
