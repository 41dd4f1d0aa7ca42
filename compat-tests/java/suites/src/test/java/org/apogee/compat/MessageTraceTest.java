package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.trace.TraceBean;
import org.apache.rocketmq.client.trace.TraceContext;
import org.apache.rocketmq.client.trace.TraceDataEncoder;
import org.apache.rocketmq.client.trace.TraceType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.apogee.compat.support.Versions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Message trace (issue 12): a producer and a push consumer with enableMsgTrace=true send their trace records to
 * RMQ_SYS_TRACE_TOPIC (auto-created through TBW102: traceTopicEnable is false by default on Java 5.5 too), keyed by
 * the msgId. As `mqadmin queryMsgTraceById` does, the scenario queries the trace topic by key = msgId and decodes
 * the records: Pub, SubBefore and SubAfter must all be there. The consumer-side records need MSG_REGION on the
 * stored message (the broker's regionId): the client's AsyncTraceDispatcher drops a trace whose region is null.
 */
@Tag("broker")
class MessageTraceTest extends ClientTest {
    /** TopicValidator.RMQ_SYS_TRACE_TOPIC, the client's default trace topic (both client versions). */
    private static final String TRACE_TOPIC = "RMQ_SYS_TRACE_TOPIC";

    @Test
    @DisplayName("trace.pub-subbefore-subafter")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void traceRecordsOfOneMessage() throws Exception {
        // Observed against the official 4.9.7 broker: it stores no MSG_REGION, which this scenario asserts (and without
        // which the client drops the consumer-side records). The 5.x broker stores it.
        Versions.assumeBroker5(admin, "MSG_REGION on stored messages (broker regionId) is stored by 5.x brokers");
        String topic = Clients.createTopic(admin, "trace", 1);
        String group = Env.unique("cg_trace");
        DefaultMQProducer traced = new DefaultMQProducer(Env.unique("pg_trace"), true, null); // null: the default trace topic
        traced.setNamesrvAddr(Env.namesrv());
        traced.setInstanceName(Env.unique("producer_trace"));
        traced.setSendMsgTimeout(15_000);
        traced.start();
        collector = Collector.createTraced("c1", group, topic, "*");
        try {
            collector.start();
            Await.condition("the traced consumer owns the queue of " + topic, Duration.ofSeconds(60), () -> !collector.assignedQueues().isEmpty(),
                () -> collector.assignedQueues().toString());

            Message m = new Message(topic, "TagT", Bodies.utf8("traced " + Env.unique("t")));
            m.setKeys(Env.unique("tk"));
            SendResult sent = traced.send(m);
            assertEquals(SendStatus.SEND_OK, sent.getSendStatus(), "send: " + sent);
            String msgId = sent.getMsgId();
            MessageExt got = collector.awaitIds("the traced message", Set.of(msgId), Duration.ofSeconds(60)).get(msgId);
            assertEquals("DefaultRegion", got.getProperty("MSG_REGION"), "MSG_REGION stored on the message (broker regionId)");
            assertEquals("true", got.getProperty("TRACE_ON"), "TRACE_ON stored on the message (broker traceOn)");

            EnumSet<TraceType> want = EnumSet.of(TraceType.Pub, TraceType.SubBefore, TraceType.SubAfter);
            List<String> seen = new ArrayList<>();
            Await.until("trace records Pub, SubBefore and SubAfter of " + msgId + " in " + TRACE_TOPIC
                + " (QUERY_MESSAGE by key = msgId, as mqadmin queryMsgTraceById)", Duration.ofSeconds(60), () -> {
                    EnumSet<TraceType> found = EnumSet.noneOf(TraceType.class);
                    seen.clear();
                    QueryResult r;
                    try {
                        r = admin.queryMessage(TRACE_TOPIC, msgId, 64, 0, Long.MAX_VALUE);
                    } catch (Exception e) {
                        seen.add("query failed: " + e.getMessage());
                        return null; // the trace topic is created by the first trace record; until then: not found
                    }
                    for (MessageExt x : r.getMessageList()) {
                        for (TraceContext c : TraceDataEncoder.decoderFromTraceDataString(new String(x.getBody(), StandardCharsets.UTF_8))) {
                            for (TraceBean b : c.getTraceBeans()) {
                                if (msgId.equals(b.getMsgId())) {
                                    found.add(c.getTraceType());
                                    seen.add(c.getTraceType() + (c.getGroupName() == null ? "" : "/" + c.getGroupName()) + " region=" + c.getRegionId());
                                }
                            }
                        }
                    }
                    return found.containsAll(want) ? found : null;
                }, () -> "trace records seen: " + seen);
        } finally {
            traced.shutdown();
        }
    }
}
