package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Message queries through the official admin API, DefaultMQAdminExt (issue 5): by key (QUERY_MESSAGE on the
 * index), by offset msgId (VIEW_MESSAGE_BY_ID at the broker address inside the id) and by unique msgId
 * (QUERY_MESSAGE with _UNIQUE_KEY_QUERY). The index is built asynchronously, so each query is retried until it
 * answers (bounded).
 */
@Tag("broker")
class AdminQueryTest extends ClientTest {
    private static final Duration INDEXED = Duration.ofSeconds(30);

    @Test
    @DisplayName("admin.query-by-key")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void queryByKey() throws Exception {
        String topic = Clients.createTopic(admin, "q_key", 2);
        String key = Env.unique("qk");
        Map<String, byte[]> withKey = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Message m = new Message(topic, "TagA", Bodies.utf8("keyed #" + i));
            m.setKeys(List.of(key, "other" + i));
            SendResult r = producer.send(m);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i);
            withKey.put(r.getMsgId(), m.getBody());
        }
        for (int i = 0; i < 3; i++) {
            Message m = new Message(topic, "TagA", Bodies.utf8("unrelated #" + i));
            m.setKeys(Env.unique("nk"));
            producer.send(m);
        }
        QueryResult res = Await.until("queryMessage(" + topic + ", " + key + ") returns the 3 keyed messages", INDEXED, () -> {
            QueryResult q = admin.queryMessage(topic, key, 32, 0, Long.MAX_VALUE);
            return q.getMessageList().size() >= 3 ? q : null;
        });
        Set<String> ids = res.getMessageList().stream().map(MessageExt::getMsgId).collect(Collectors.toSet());
        assertEquals(withKey.keySet(), ids, "exactly the messages with key " + key);
        for (MessageExt m : res.getMessageList()) {
            assertTrue(m.getKeys().contains(key), "keys of " + m.getMsgId() + ": " + m.getKeys());
            assertArrayEquals(withKey.get(m.getMsgId()), m.getBody(), "body of " + m.getMsgId());
            assertEquals(topic, m.getTopic(), "topic of " + m.getMsgId());
        }
    }

    @Test
    @DisplayName("admin.query-by-msgid")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void queryByMsgId() throws Exception {
        String topic = Clients.createTopic(admin, "q_id", 2);
        byte[] body = Bodies.utf8("find me by id " + Env.unique("x"));
        Message m = new Message(topic, "TagQ", body);
        m.putUserProperty("p", "v");
        SendResult r = producer.send(m);
        assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send: " + r);

        // offset msgId (store host 127.0.0.1:port + commit log offset): VIEW_MESSAGE_BY_ID
        MessageExt byOffsetId = Await.until("viewMessage(" + topic + ", offsetMsgId " + r.getOffsetMsgId() + ")", INDEXED,
            () -> admin.viewMessage(topic, r.getOffsetMsgId()));
        assertArrayEquals(body, byOffsetId.getBody(), "body by offset msgId");
        assertEquals(topic, byOffsetId.getTopic(), "topic by offset msgId");
        assertEquals("TagQ", byOffsetId.getTags(), "tags by offset msgId");
        assertEquals("v", byOffsetId.getUserProperty("p"), "user property by offset msgId");
        assertEquals(r.getMsgId(), byOffsetId.getProperty("UNIQ_KEY"), "UNIQ_KEY by offset msgId");
        assertEquals(r.getQueueOffset(), byOffsetId.getQueueOffset(), "queue offset by offset msgId");

        // unique msgId (what SendResult#getMsgId returns): QUERY_MESSAGE with _UNIQUE_KEY_QUERY=true
        String cluster = Compat.clusters(admin).keySet().iterator().next();
        QueryResult byUniq = Await.until("queryMessageByUniqKey(" + topic + ", " + r.getMsgId() + ")", INDEXED, () -> {
            QueryResult q = Compat.queryByUniqKey(admin, cluster, topic, r.getMsgId());
            return q.getMessageList().isEmpty() ? null : q;
        });
        assertEquals(1, byUniq.getMessageList().size(), "one message per unique key: " + byUniq.getMessageList());
        assertArrayEquals(body, byUniq.getMessageList().get(0).getBody(), "body by unique msgId");
        assertEquals(r.getMsgId(), byUniq.getMessageList().get(0).getMsgId(), "msgId by unique msgId");
    }
}
