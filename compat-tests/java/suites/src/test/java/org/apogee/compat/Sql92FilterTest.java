package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
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
 * SQL92 filters (issue 12): MessageSelector.bySql on a push consumer. Both targets run with
 * enablePropertyFilter=true (Java's default is false, Apogee's true).
 */
@Tag("broker")
class Sql92FilterTest extends ClientTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    /** ResponseCode.SUBSCRIPTION_PARSE_FAILED */
    private static final int SUBSCRIPTION_PARSE_FAILED = 23;

    private Message msg(String topic, int a, String b, String text) {
        Message m = new Message(topic, "TagA", Bodies.utf8(text));
        m.putUserProperty("a", String.valueOf(a));
        m.putUserProperty("b", b);
        return m;
    }

    @Test
    @DisplayName("message.sql92-filter")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sqlFilter() throws Exception {
        String topic = Clients.createTopic(admin, "p_sql", 1);
        String sql = "a > 5 AND b = 'x'";
        Map<String, Boolean> wanted = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            int a = i % 10;
            String b = i % 3 == 0 ? "x" : "y";
            SendResult r = producer.send(msg(topic, a, b, "sql #" + i));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i);
            wanted.put(r.getMsgId(), a > 5 && b.equals("x"));
        }
        // One queue, one consume thread: once the last (matching) message is consumed, every earlier match was.
        SendResult sentinel = producer.send(msg(topic, 100, "x", "sentinel"));
        collector = Collector.create("c1", Env.unique("cg"), topic, "*");
        collector.consumer().subscribe(topic, MessageSelector.bySql(sql));
        collector.consumer().setConsumeThreadMin(1);
        collector.consumer().setConsumeThreadMax(1);
        collector.behaviour((m, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS).start();
        collector.awaitIds("the sentinel delivered", Set.of(sentinel.getMsgId()), DELIVERY);
        Map<String, MessageExt> got = collector.byMsgId();
        long matches = wanted.values().stream().filter(w -> w).count();
        assertTrue(matches > 0 && matches < wanted.size(), "the data set has both matching and other messages");
        for (Map.Entry<String, Boolean> e : wanted.entrySet()) {
            assertEquals(e.getValue(), got.containsKey(e.getKey()),
                (e.getValue() ? "missing " : "unexpected ") + "message " + e.getKey() + " for " + sql);
        }
        for (MessageExt m : got.values()) {
            assertTrue(Integer.parseInt(m.getUserProperty("a")) > 5 && "x".equals(m.getUserProperty("b")),
                "delivered message matches " + sql + ": a=" + m.getUserProperty("a") + " b=" + m.getUserProperty("b"));
        }
    }

    @Test
    @DisplayName("message.sql92-malformed-refused")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void malformedSqlRefused() throws Exception {
        String topic = Clients.createTopic(admin, "p_sqlbad", 1);
        collector = Collector.create("c1", Env.unique("cg"), topic, "*");
        collector.consumer().subscribe(topic, MessageSelector.bySql("a > AND b = 'x'"));
        MQClientException e = assertThrows(MQClientException.class, () -> collector.start(),
            "start() of a consumer with malformed SQL must fail at the broker's CHECK_CLIENT_CONFIG");
        assertEquals(SUBSCRIPTION_PARSE_FAILED, e.getResponseCode(), "response code: " + e);
        String remark = e.getErrorMessage() == null ? "" : e.getErrorMessage();
        assertTrue(remark.contains("ParseException") && remark.contains("Encountered \" \"AND\" \"AND \"\" at line 1, column 5."),
            "the parser's message: " + remark);
    }
}
