package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server-side filters through the proxy: the SimpleConsumer's FilterExpression becomes the POP request's exp/expType
 * (TAG or SQL92), and the broker returns only what matches (Java: PopMessageProcessor builds the filter from them;
 * SQL92 needs the broker's enablePropertyFilter, which both targets set). After the matching messages, nothing else
 * comes: the others were filtered, not delayed.
 */
class FilterTest extends GrpcScenario<SimpleConsumer> {
    private static final Duration INVISIBLE = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(40);
    private static final Duration QUIET = Duration.ofSeconds(6);

    @Test
    @DisplayName("grpc.tag-filter")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tagFilter() throws Exception {
        String topic = admin.createTopic("grpc_tag", "NORMAL", 2);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_tag"), topic, Grpc.tag("TagA || TagB"));
        producer = Grpc.producer(topic);
        for (String tag : List.of("TagA", "TagB", "TagC", "TagA", "TagC")) {
            producer.send(Grpc.message(topic, tag + "-body").setTag(tag).build());
        }
        List<MessageView> got = Grpc.receive(consumer, 3, INVISIBLE, BOUND, true);
        List<MessageView> more = Grpc.receive(consumer, 1, INVISIBLE, QUIET, true);
        got.addAll(more);
        Set<String> tags = new HashSet<>();
        for (MessageView m : got) {
            tags.add(m.getTag().orElse("(none)"));
        }
        assertEquals(3, got.size(), "messages with TagA or TagB: " + Grpc.bodies(got));
        assertEquals(Set.of("TagA", "TagB"), tags, "tags received");
    }

    @Test
    @DisplayName("grpc.sql92-filter")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sql92Filter() throws Exception {
        String topic = admin.createTopic("grpc_sql", "NORMAL", 2);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_sql"), topic, Grpc.sql("a > 5 AND color = 'red'"));
        producer = Grpc.producer(topic);
        int[] as = {3, 7, 10, 12};
        String[] colors = {"red", "red", "blue", "red"};
        for (int i = 0; i < as.length; i++) {
            producer.send(Grpc.message(topic, "a=" + as[i] + "," + colors[i]).setTag("T")
                .addProperty("a", Integer.toString(as[i])).addProperty("color", colors[i]).build());
        }
        List<MessageView> got = Grpc.receive(consumer, 2, INVISIBLE, BOUND, true);
        got.addAll(Grpc.receive(consumer, 1, INVISIBLE, QUIET, true));
        assertEquals(Set.of("a=7,red", "a=12,red"), new HashSet<>(Grpc.bodies(got)), "messages matching a > 5 AND color = 'red'");
        assertEquals(2, got.size(), "each matching message once: " + Grpc.bodies(got));
    }
}
