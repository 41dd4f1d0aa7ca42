package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apogee.compat.grpc.support.Await;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A PushConsumer whose listener always fails: the group's retryMaxTimes (1) gives the client 2 attempts (the server's
 * settings: backoff max_attempts = retryMaxTimes + 1); after the last one the client calls
 * ForwardMessageToDeadLetterQueue and the message lands in %DLQ%<group> (CONSUMER_SEND_MSG_BACK, delay level -1).
 */
class DeadLetterTest extends GrpcScenario<PushConsumer> {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    @DisplayName("grpc.push-consumer-dead-letter")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void deadLetter() throws Exception {
        String topic = admin.createTopic("grpc_dlq", "NORMAL", 1);
        String group = admin.createGroup("grpc_cg_dlq", false, 1);
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        consumer = Grpc.PROVIDER.newPushConsumerBuilder()
            .setClientConfiguration(Grpc.config())
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Grpc.sub(topic, Grpc.tag("*")))
            .setMessageListener(m -> {
                attempts.add(m.getDeliveryAttempt());
                return ConsumeResult.FAILURE;
            })
            .build();
        producer = Grpc.producer(topic);
        producer.send(Grpc.message(topic, "poison").setTag("T").build());
        String dlq = "%DLQ%" + group;
        Await.until("the failing message in " + dlq, BOUND, () -> admin.storedMessages(dlq) >= 1 ? Boolean.TRUE : null);
        Thread.sleep(3_000); // a delivery after the DLQ would show up now
        assertEquals(List.of(1, 2), new ArrayList<>(attempts), "delivery attempts before the DLQ (retryMaxTimes 1)");
        assertEquals(1, admin.storedMessages(dlq), "messages in " + dlq);
    }
}
