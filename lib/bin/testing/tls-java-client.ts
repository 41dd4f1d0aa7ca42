/**
 * Test helper: TlsClient.java, a single-file program for the official Java client 5.5.0 (run with `java -cp <5.5.0
 * classpath> TlsClient.java namesrv topic group count useTLS`): a producer with setUseTLS(useTLS) sends `count`
 * messages synchronously (printing SEND_OK each, SEND_FAIL and the reason on the first failure, then SENT n); when
 * all were sent, a push consumer with setUseTLS(useTLS) consumes from the first offset and prints CONSUMED n.
 * Java's TLS system properties (-Dtls.test.mode.enable, -Dtls.client.*) go on the java command line.
 */
export const TLS_CLIENT_SOURCE = `
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

// args: namesrv topic group count useTLS
public class TlsClient {
    public static void main(String[] args) throws Exception {
        boolean tls = Boolean.parseBoolean(args[4]);
        int n = Integer.parseInt(args[3]);
        DefaultMQProducer p = new DefaultMQProducer(args[2] + "_P");
        p.setNamesrvAddr(args[0]);
        p.setUseTLS(tls);
        p.setSendMsgTimeout(3000);
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        int sent = 0;
        try {
            for (int i = 0; i < n; i++) {
                SendResult r = p.send(new Message(args[1], "TagT", "tls-" + i, ("tls body " + i).getBytes("UTF-8")));
                System.out.println("SEND_OK " + r.getSendStatus());
                sent++;
            }
        } catch (Throwable t) {
            System.out.println("SEND_FAIL " + t.getClass().getName() + ": " + t.getMessage().split("\\\\n")[0]);
        }
        p.shutdown();
        System.out.println("SENT " + sent);
        if (sent == n) {
            CountDownLatch latch = new CountDownLatch(n);
            AtomicInteger got = new AtomicInteger();
            DefaultMQPushConsumer c = new DefaultMQPushConsumer(args[2] + "_C");
            c.setNamesrvAddr(args[0]);
            c.setUseTLS(tls);
            c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            c.subscribe(args[1], "*");
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (int i = 0; i < msgs.size(); i++) { got.incrementAndGet(); latch.countDown(); }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            latch.await(60, TimeUnit.SECONDS);
            c.shutdown();
            System.out.println("CONSUMED " + got.get());
        }
        System.out.flush();
        System.exit(0);
    }
}
`;
