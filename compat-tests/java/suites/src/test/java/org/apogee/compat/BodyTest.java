package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Body sizes and compression (issue 5): what the producer sends arrives byte-identical at a push consumer.
 * The Java producer compresses bodies of 4 KiB and more (compressMsgBodyOverHowmuch = 4096, zlib), so 1 MB and
 * 4 MB travel and are stored compressed (sysFlag COMPRESSED); the consumer inflates them. Bodies are random
 * (incompressible) except in body.compressed-over-4kb.
 */
@Tag("broker")
class BodyTest extends ClientTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private MessageExt roundTrip(byte[] body) throws Exception {
        String topic = Clients.createTopic(admin, "body", 1);
        SendResult r = producer.send(new Message(topic, "TagA", body));
        assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send of " + Bodies.describe(body) + ": " + r);
        collector = Collector.create("c1", Env.unique("cg"), topic, "*").start();
        MessageExt got = collector.awaitIds("message of " + body.length + " bytes delivered", Set.of(r.getMsgId()), DELIVERY).get(r.getMsgId());
        assertTrue(Arrays.equals(body, got.getBody()), "body must arrive byte-identical: sent " + Bodies.describe(body) + ", got " + Bodies.describe(got.getBody()));
        return got;
    }

    @Test
    @DisplayName("body.0b-rejected-by-java-client")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void emptyBody() throws Exception {
        // The Java client refuses an empty body before anything is sent (Java: Validators#checkMessage,
        // "the message body length is zero", MESSAGE_ILLEGAL = 13). The Go suite sends a 0-byte body for real.
        String topic = Env.unique("body0");
        MQClientException e = assertThrows(MQClientException.class, () -> producer.send(new Message(topic, new byte[0])),
            "the Java producer must reject a 0-byte body");
        assertEquals(13, e.getResponseCode(), "MESSAGE_ILLEGAL for a 0-byte body: " + e);
    }

    @Test
    @DisplayName("body.1b")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void oneByte() throws Exception {
        MessageExt m = roundTrip(new byte[] {42});
        assertTrue(m.getStoreSize() > 1, "stored record size " + m.getStoreSize());
    }

    @Test
    @DisplayName("body.1kb")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void oneKilobyte() throws Exception {
        MessageExt m = roundTrip(Bodies.random(1024, 1));
        assertTrue(m.getStoreSize() > 1024, "a 1 KiB body is stored uncompressed (record " + m.getStoreSize() + " bytes)");
    }

    @Test
    @DisplayName("body.1mb")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneMegabyte() throws Exception {
        roundTrip(Bodies.random(1024 * 1024, 2));
    }

    @Test
    @DisplayName("body.4mb")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void fourMegabytes() throws Exception {
        // 4 MB = 4,000,000 random bytes. The limit is 4 MiB (4,194,304) for the body (producer maxMessageSize) and
        // for the whole stored record (broker maxMessageSize); incompressible data grows ~0.03% under zlib and
        // the record adds headers and properties, so this is the largest round number that fits both.
        roundTrip(Bodies.random(4_000_000, 4));
    }

    @Test
    @DisplayName("body.compressed-over-4kb")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void compressed() throws Exception {
        byte[] body = Bodies.compressible(64 * 1024);
        MessageExt m = roundTrip(body);
        // The client inflates the body and (5.x) clears COMPRESSED_FLAG in what it hands over, so the proof that
        // the body travelled and was stored compressed is the record size the broker reports (storeSize).
        assertTrue(m.getStoreSize() < body.length / 4,
            "the stored record (" + m.getStoreSize() + " bytes) holds the compressed body, not the " + body.length + " raw bytes");
    }
}
