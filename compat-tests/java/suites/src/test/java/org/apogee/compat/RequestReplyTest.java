package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.message.Message;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request–reply (issue 12): DefaultMQProducer.request(...) sends a request message (CORRELATION_ID,
 * REPLY_TO_CLIENT = the requester's client id, TTL); a replier consumes it and sends
 * MessageUtil.createReplyMessage(request, body) (topic <cluster>_REPLY_TOPIC) with its own producer, which the
 * client sends as SEND_REPLY_MESSAGE_V2; the broker pushes it to the requester's connection with
 * PUSH_REPLY_MESSAGE_TO_CLIENT (Java: ReplyMessageProcessor) and request(...) returns it (sync) or calls back (async).
 */
@Tag("broker")
class RequestReplyTest extends ClientTest {
    private DefaultMQProducer replier;

    @AfterEach
    void closeReplier() {
        Clients.shutdownQuietly(collector, replier == null ? null : replier::shutdown);
    }

    /** A replier consuming `topic` that answers every request with "reply to <request body>". */
    private void startReplier(String topic) throws Exception {
        replier = Clients.producer(Env.unique("pg_replier"));
        collector = Collector.create("replier", Env.unique("cg_replier"), topic, "*");
        collector.behaviour((msg, ctx) -> {
            try {
                Message reply = MessageUtil.createReplyMessage(msg, Bodies.utf8("reply to " + new String(msg.getBody(), StandardCharsets.UTF_8)));
                replier.send(reply, 15_000);
            } catch (Exception e) {
                System.out.println("replier: cannot reply to " + msg.getMsgId() + ": " + e);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        collector.start();
        Await.condition("the replier owns the queue of " + topic, Duration.ofSeconds(60), () -> !collector.assignedQueues().isEmpty(),
            () -> collector.assignedQueues().toString());
    }

    @Test
    @DisplayName("request-reply.sync")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestSync() throws Exception {
        String topic = Clients.createTopic(admin, "rr_sync", 1);
        startReplier(topic);
        String body = "ping " + Env.unique("s");
        Message reply = producer.request(new Message(topic, "TagR", Bodies.utf8(body)), 30_000);
        assertNotNull(reply, "request(...) returned a reply");
        assertEquals("reply to " + body, new String(reply.getBody(), StandardCharsets.UTF_8), "reply body");
        assertNotNull(reply.getProperty("CORRELATION_ID"), "the reply carries the request's CORRELATION_ID");
        assertEquals("reply", reply.getProperty("MSG_TYPE"), "MSG_TYPE of a reply");
    }

    @Test
    @DisplayName("request-reply.async")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestAsync() throws Exception {
        String topic = Clients.createTopic(admin, "rr_async", 1);
        startReplier(topic);
        String body = "ping " + Env.unique("a");
        CompletableFuture<Message> got = new CompletableFuture<>();
        producer.request(new Message(topic, "TagR", Bodies.utf8(body)), new RequestCallback() {
            @Override
            public void onSuccess(Message message) {
                // The official client calls onSuccess twice: with null once the request is sent
                // (DefaultMQProducerImpl#request -> RequestResponseFuture#executeRequestCallback), then with the reply
                // when PUSH_REPLY_MESSAGE_TO_CLIENT arrives (ClientRemotingProcessor#processReplyMessage).
                if (message != null) {
                    got.complete(message);
                }
            }

            @Override
            public void onException(Throwable e) {
                got.completeExceptionally(e);
            }
        }, 30_000);
        Message reply = got.get(40, TimeUnit.SECONDS);
        assertEquals("reply to " + body, new String(reply.getBody(), StandardCharsets.UTF_8), "reply body (callback)");
    }
}
