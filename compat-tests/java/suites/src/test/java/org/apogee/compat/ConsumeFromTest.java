package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a NEW group starts (issue 5), for CONSUME_FROM_FIRST_OFFSET / LAST_OFFSET / TIMESTAMP.
 *
 * What Java does (read the code, not the enum names): the push consumer first asks the broker for the group's
 * committed offset (QUERY_CONSUMER_OFFSET). For a group without one, Apache answers offset 0 — not
 * QUERY_NOT_FOUND — when the queue's min offset is 0 and the message at offset 0 is still in memory (page cache)
 * (Java: ConsumerManageProcessor#queryConsumerOffset, 4.9.x checkInDiskByConsumeOffset, 5.x
 * checkInMemByConsumeOffset). Only on QUERY_NOT_FOUND does the client fall back to GET_MAX_OFFSET (LAST_OFFSET)
 * or SEARCH_OFFSET_BY_TIMESTAMP (TIMESTAMP) (Java: RebalancePushImpl#computePullFromWhereWithException). So on a
 * fresh topic every mode starts at 0, and a target must reproduce that. The fallback queries are checked too,
 * with the values a consumer would get from them.
 */
@Tag("broker")
class ConsumeFromTest extends ClientTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final Duration DISPATCHED = Duration.ofSeconds(10);

    /** Starts a new group with `where` and returns the offsets of everything it receives once `expected` arrived. */
    private List<Long> startNewGroup(String topic, ConsumeFromWhere where, String timestamp, Set<String> expected) throws Exception {
        collector = Collector.create("c1", Env.unique("cg_from"), topic, "*");
        collector.consumer().setConsumeFromWhere(where);
        if (timestamp != null) {
            collector.consumer().setConsumeTimestamp(timestamp);
        }
        collector.start();
        collector.awaitIds("messages for a new group with " + where, expected, DELIVERY);
        return collector.messages().stream().map(MessageExt::getQueueOffset).sorted().collect(Collectors.toList());
    }

    private static List<Long> range(long from, long toExclusive) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < toExclusive; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    @DisplayName("consume-from.first-offset")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void firstOffset() throws Exception {
        String topic = Clients.createTopic(admin, "from_first", 1);
        List<SendResult> sent = sendEach(topic, 10, "first");
        List<Long> offsets = startNewGroup(topic, ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET, null,
            sent.stream().map(SendResult::getMsgId).collect(Collectors.toSet()));
        assertEquals(range(0, 10), offsets, "CONSUME_FROM_FIRST_OFFSET on a new group starts at offset 0");
    }

    @Test
    @DisplayName("consume-from.last-offset")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lastOffset() throws Exception {
        String topic = Clients.createTopic(admin, "from_last", 1);
        List<SendResult> sent = sendEach(topic, 10, "last");
        MessageQueue mq = sent.get(0).getMessageQueue();
        // The consume queue is written asynchronously after the commit log (Apache's reput): await it.
        Await.until("GET_MAX_OFFSET (the LAST_OFFSET fallback) = 10 after 10 messages", DISPATCHED,
            () -> producer.maxOffset(mq) == 10 ? Boolean.TRUE : null, () -> "");
        assertEquals(0, producer.minOffset(mq), "GET_MIN_OFFSET of a fresh queue");
        List<Long> offsets = startNewGroup(topic, ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, null,
            sent.stream().map(SendResult::getMsgId).collect(Collectors.toSet()));
        assertEquals(range(0, 10), offsets,
            "CONSUME_FROM_LAST_OFFSET on a new group whose queue still has offset 0 in memory starts at 0 (broker answers QUERY_CONSUMER_OFFSET with 0)");
    }

    @Test
    @DisplayName("consume-from.timestamp")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void timestamp() throws Exception {
        String topic = Clients.createTopic(admin, "from_ts", 1);
        List<SendResult> before = sendEach(topic, 5, "before");
        // consumeTimestamp has 1 s resolution (yyyyMMddHHmmss): take the next second boundary as T, so that every
        // "before" message is stored before T and every "after" message at or after it.
        long t = (System.currentTimeMillis() / 1000 + 1) * 1000;
        while (System.currentTimeMillis() < t) {
            Thread.sleep(Math.max(1, t - System.currentTimeMillis()));
        }
        List<SendResult> after = sendEach(topic, 5, "after");
        MessageQueue mq = before.get(0).getMessageQueue();
        Await.until("GET_MAX_OFFSET = 10 (all messages dispatched to the consume queue)", DISPATCHED,
            () -> producer.maxOffset(mq) == 10 ? Boolean.TRUE : null, () -> "");
        assertEquals(5, producer.searchOffset(mq, t),
            "SEARCH_OFFSET_BY_TIMESTAMP (the TIMESTAMP fallback) for T between the batches: the first message stored at or after T");
        Set<String> all = new java.util.HashSet<>();
        before.forEach(r -> all.add(r.getMsgId()));
        after.forEach(r -> all.add(r.getMsgId()));
        String ts = new SimpleDateFormat("yyyyMMddHHmmss").format(new Date(t));
        List<Long> offsets = startNewGroup(topic, ConsumeFromWhere.CONSUME_FROM_TIMESTAMP, ts, all);
        assertEquals(range(0, 10), offsets,
            "CONSUME_FROM_TIMESTAMP on a new group whose queue still has offset 0 in memory starts at 0 (broker answers QUERY_CONSUMER_OFFSET with 0)");
    }
}
