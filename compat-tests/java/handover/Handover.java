import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The official Java client (rocketmq-client 5.5.0) for the store hand-over scenario (issue 4): produce messages,
 * consume some of them and commit, or consume what is left. Run as a single-file program:
 *   java -cp <client classpath> Handover.java produce <namesrv> <topic> <count>
 *   java -cp <client classpath> Handover.java consume <namesrv> <topic> <group> <atLeast> <idleMs>
 *   java -cp <client classpath> Handover.java produce-timers <namesrv> <topic> <count> <delayMs>
 * Output lines: "SENT <i> <msgId>" and "GOT <body> <queueId> <queueOffset>" (+ "STORED <body> <storeTimestamp>"),
 * then "DONE <n>". Timer messages (issue 12) have the body "timer #<i> due=<deliverTimeMs>" (Message#setDeliverTimeMs).
 */
public class Handover {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "produce": produce(args[1], args[2], Integer.parseInt(args[3])); break;
            case "produce-timers": produceTimers(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4])); break;
            case "consume": consume(args[1], args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5])); break;
            default: throw new IllegalArgumentException("mode " + args[0]);
        }
        System.exit(0);
    }

    static void produce(String ns, String topic, int count) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("handover_producer");
        p.setNamesrvAddr(ns);
        p.setInstanceName("handover-" + System.nanoTime());
        p.start();
        for (int i = 0; i < count; i++) {
            Message m = new Message(topic, "TagH", "key-" + i, ("handover #" + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = p.send(m);
            if (r.getSendStatus() != SendStatus.SEND_OK) throw new IllegalStateException("send " + i + ": " + r);
            System.out.println("SENT " + i + " " + r.getMsgId());
        }
        p.shutdown();
        System.out.println("DONE " + count);
    }

    static void produceTimers(String ns, String topic, int count, long delayMs) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("handover_timer_producer");
        p.setNamesrvAddr(ns);
        p.setInstanceName("handover-" + System.nanoTime());
        p.start();
        for (int i = 0; i < count; i++) {
            long due = System.currentTimeMillis() + delayMs + i * 100L;
            Message m = new Message(topic, "TagT", "tkey-" + i, ("timer #" + i + " due=" + due).getBytes(StandardCharsets.UTF_8));
            m.setDeliverTimeMs(due);
            SendResult r = p.send(m);
            if (r.getSendStatus() != SendStatus.SEND_OK) throw new IllegalStateException("send " + i + ": " + r);
            System.out.println("SENT " + i + " " + r.getMsgId());
        }
        p.shutdown();
        System.out.println("DONE " + count);
    }

    /** Polls until at least `atLeast` messages arrived (or nothing new for idleMs), commits, prints them. */
    static void consume(String ns, String topic, String group, int atLeast, long idleMs) throws Exception {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
        c.setNamesrvAddr(ns);
        c.setInstanceName("handover-" + System.nanoTime());
        c.setAutoCommit(false);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setPollTimeoutMillis(500);
        c.subscribe(topic, "*");
        c.start();
        List<MessageExt> got = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long last = System.currentTimeMillis();
        while (got.size() < atLeast && System.currentTimeMillis() - last < idleMs) {
            List<MessageExt> batch = c.poll();
            if (!batch.isEmpty()) last = System.currentTimeMillis();
            for (MessageExt m : batch) {
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                if (!seen.add(body)) throw new IllegalStateException("duplicate " + body);
                got.add(m);
                System.out.println("GOT " + body + " " + m.getQueueId() + " " + m.getQueueOffset());
                System.out.println("STORED " + body + " " + m.getStoreTimestamp());
            }
        }
        c.commitSync();
        c.shutdown();
        System.out.println("DONE " + got.size());
    }
}
