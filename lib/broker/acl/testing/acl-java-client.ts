/**
 * Test-only: the single-file Java program of acl.compat.test.ts, run with the official client 5.5.0 (its jar holds
 * org.apache.rocketmq.acl.common.AclClientRPCHook and SessionCredentials). One JVM runs every scenario and prints
 * one line each, so the test (and the same program against Apache 5.5.0) compares lines:
 *   args: namesrvAddr okTopic deniedTopic ak sk
 *   ok-send SEND_OK                          signed producer, correct secret
 *   ok-consume <body>                        signed lite pull consumer reads it back
 *   wrong-secret|unknown-key|no-signature ERR <responseCode> <remark>   (MQBrokerException of the send)
 *   denied-stored <n>                        messages of deniedTopic per a signed admin (topic stats), -1 = no topic
 */
export const ACL_CLIENT_SOURCE = `
import java.util.List;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public class AclClient {
    static String ns;
    static RPCHook hook(String ak, String sk) { return new AclClientRPCHook(new SessionCredentials(ak, sk)); }

    static void send(String name, RPCHook h, String topic, String body) {
        DefaultMQProducer p = new DefaultMQProducer("PG_" + name, h);
        p.setNamesrvAddr(ns);
        p.setInstanceName(name);
        p.setRetryTimesWhenSendFailed(0);
        try {
            p.start();
            p.send(new Message(topic, "TagA", body.getBytes("UTF-8")));
            System.out.println(name + " SEND_OK");
        } catch (Throwable t) {
            // NO_PERMISSION is in the producer's retryResponseCodes: the MQBrokerException arrives as a cause.
            Throwable c = t;
            while (c != null && !(c instanceof MQBrokerException)) c = c.getCause() == c ? null : c.getCause();
            if (c != null) {
                MQBrokerException e = (MQBrokerException) c;
                System.out.println(name + " ERR " + e.getResponseCode() + " " + e.getErrorMessage());
            } else {
                System.out.println(name + " FAIL " + t.toString().replace('\\n', ' '));
            }
        } finally {
            p.shutdown();
        }
    }

    public static void main(String[] a) throws Exception {
        ns = a[0];
        String okTopic = a[1], deniedTopic = a[2], ak = a[3], sk = a[4];
        send("ok-send", hook(ak, sk), okTopic, "acl-ok");
        DefaultLitePullConsumer c = new DefaultLitePullConsumer("CG_acl", hook(ak, sk));
        c.setNamesrvAddr(ns);
        c.setInstanceName("ok-consume");
        c.setConsumeFromWhere(org.apache.rocketmq.common.consumer.ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(okTopic, "*");
        c.start();
        String got = "NONE";
        long until = System.currentTimeMillis() + 30000;
        while (got.equals("NONE") && System.currentTimeMillis() < until) {
            List<MessageExt> ms = c.poll(1000);
            if (!ms.isEmpty()) got = new String(ms.get(0).getBody(), "UTF-8");
        }
        System.out.println("ok-consume " + got);
        c.shutdown();
        send("wrong-secret", hook(ak, sk + "x"), deniedTopic, "acl-denied");
        send("unknown-key", hook("nobody", sk), deniedTopic, "acl-denied");
        send("no-signature", null, deniedTopic, "acl-denied");
        DefaultMQAdminExt admin = new DefaultMQAdminExt(hook(ak, sk));
        admin.setNamesrvAddr(ns);
        admin.setInstanceName("admin");
        admin.start();
        long n = -1;
        try {
            TopicStatsTable t = admin.examineTopicStats(deniedTopic);
            n = 0;
            for (TopicOffset o : t.getOffsetTable().values()) n += o.getMaxOffset() - o.getMinOffset();
        } catch (Throwable e) {
            n = -1;
        }
        System.out.println("denied-stored " + n);
        admin.shutdown();
        System.out.flush();
        System.exit(0);
    }
}
`;

/** What AclClient printed against Apache RocketMQ 5.5.0 (BrokerStartup) with the suite's broker.conf (recorded 2026-12-04). */
export const ACL_CLIENT_JAVA_5_5_0 = [
  'ok-send SEND_OK',
  'ok-consume acl-ok',
  'wrong-secret ERR 16 check signature failed.',
  'unknown-key ERR 16 User:nobody is not found.',
  'no-signature ERR 16 username cannot be null.',
  'denied-stored -1',
];
