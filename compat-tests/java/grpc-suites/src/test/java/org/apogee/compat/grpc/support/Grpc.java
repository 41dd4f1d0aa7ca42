package org.apogee.compat.grpc.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;

/** The official gRPC client, configured for the proxy under test (plaintext; the proxy's TLS mode is permissive). */
public final class Grpc {
    /** The client's bound on one RPC to the proxy. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long the proxy long-polls one receive (the client adds its request timeout on top). */
    public static final Duration AWAIT_DURATION = Duration.ofSeconds(5);

    public static final ClientServiceProvider PROVIDER = ClientServiceProvider.loadService();

    private Grpc() {
    }

    public static ClientConfiguration config() {
        return ClientConfiguration.newBuilder()
            .setEndpoints(GrpcEnv.proxy())
            .setRequestTimeout(REQUEST_TIMEOUT)
            .enableSsl(false)
            .build();
    }

    public static Producer producer(String topic) throws Exception {
        return PROVIDER.newProducerBuilder().setClientConfiguration(config()).setTopics(topic).build();
    }

    public static SimpleConsumer simpleConsumer(String group, String topic, FilterExpression filter) throws Exception {
        return PROVIDER.newSimpleConsumerBuilder()
            .setClientConfiguration(config())
            .setConsumerGroup(group)
            .setAwaitDuration(AWAIT_DURATION)
            .setSubscriptionExpressions(Collections.singletonMap(topic, filter))
            .build();
    }

    public static FilterExpression tag(String expression) {
        return new FilterExpression(expression, FilterExpressionType.TAG);
    }

    public static FilterExpression sql(String expression) {
        return new FilterExpression(expression, FilterExpressionType.SQL92);
    }

    public static MessageBuilder message(String topic, String body) {
        return PROVIDER.newMessageBuilder().setTopic(topic).setBody(body.getBytes(StandardCharsets.UTF_8));
    }

    public static String body(MessageView m) {
        return StandardCharsets.UTF_8.decode(m.getBody().duplicate()).toString();
    }

    /**
     * Receives (and acks, when `ack`) until `expected` messages came or `bound` passed; returns what came, in order
     * of arrival. Never fails by itself: the caller asserts on the list.
     */
    public static List<MessageView> receive(SimpleConsumer c, int expected, Duration invisible, Duration bound, boolean ack)
        throws Exception {
        List<MessageView> got = new ArrayList<>();
        long deadline = System.nanoTime() + bound.toNanos();
        while (got.size() < expected && System.nanoTime() < deadline) {
            for (MessageView m : c.receive(16, invisible)) {
                got.add(m);
                if (ack) {
                    c.ack(m);
                }
            }
        }
        return got;
    }

    public static List<String> bodies(List<MessageView> ms) {
        List<String> out = new ArrayList<>();
        for (MessageView m : ms) {
            out.add(body(m));
        }
        return out;
    }

    public static Map<String, FilterExpression> sub(String topic, FilterExpression f) {
        return Collections.singletonMap(topic, f);
    }

    public static void closeQuietly(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
    }
}
