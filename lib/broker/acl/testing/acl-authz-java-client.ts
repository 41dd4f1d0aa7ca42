/**
 * Test-only: the single-file Java programs of authorization.compat.test.ts. Each JVM prints one line per scenario so
 * the suite compares lines with what the same program printed against Apache RocketMQ 5.5.0.
 *
 * AuthzClient (official client 5.5.0): args namesrvAddr rootAk rootSk
 *   setup OK                      root (Super) creates user app1/p1 (Normal) and its ACL through DefaultMQAdminExt:
 *                                 Topic:Authz* Pub,Sub,Get Allow; Topic:AuthzDenied Pub Deny; Group:CG_authz Sub Allow;
 *                                 Topic:FarTopic Pub Allow from 10.0.0.0/8 only
 *   ok-send SEND_OK               app1 sends to AuthzOk
 *   ok-consume <body>             app1's lite pull consumer (group CG_authz) reads it back
 *   denied-topic|deny-override|wrong-ip ERR <code> <remark>   app1 sends to OtherTopic | AuthzDenied | FarTopic
 *   denied-group ERR <code> <remark>                          app1 pulls AuthzOk as group CG_other
 *   normal-admin ERR <code> <remark>                          app1 asks for a user (cluster admin code)
 *   denied-stored <n> <n> <n>     messages of OtherTopic, AuthzDenied, FarTopic per root (-1 = no topic)
 *   acl <resource> <decision> ... root reads app1's ACL back (getAcl)
 *
 * Authz49Client (official client 4.9.8 + its AclClientRPCHook): args namesrvAddr ak sk
 *   ok-send SEND_OK / ok-consume <body> / denied-topic ERR <code> <remark>   as above with topic AuthzOk49
 */
const SEND = `
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
            report(name, t);
        } finally {
            p.shutdown();
        }
    }

    static void report(String name, Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof MQBrokerException)) c = c.getCause() == c ? null : c.getCause();
        if (c != null) {
            MQBrokerException e = (MQBrokerException) c;
            System.out.println(name + " ERR " + e.getResponseCode() + " " + e.getErrorMessage());
        } else {
            System.out.println(name + " FAIL " + t.toString().replace('\\n', ' '));
        }
    }

    static String consume(RPCHook h, String group, String topic) throws Exception {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group, h);
        c.setNamesrvAddr(ns);
        c.setInstanceName("ok-consume");
        c.setConsumeFromWhere(org.apache.rocketmq.common.consumer.ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, "*");
        c.start();
        String got = "NONE";
        long until = System.currentTimeMillis() + 30000;
        while (got.equals("NONE") && System.currentTimeMillis() < until) {
            List<MessageExt> ms = c.poll(1000);
            if (!ms.isEmpty()) got = new String(ms.get(0).getBody(), "UTF-8");
        }
        c.shutdown();
        return got;
    }
`;

const IMPORTS = `
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;
`;

export const AUTHZ_CLIENT_SOURCE = `${IMPORTS}
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.AclInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public class AuthzClient {
    static String ns;
    static RPCHook hook(String ak, String sk) { return new AclClientRPCHook(new SessionCredentials(ak, sk)); }
${SEND}
    static long stored(DefaultMQAdminExt admin, String topic) {
        try {
            TopicStatsTable t = admin.examineTopicStats(topic);
            long n = 0;
            for (TopicOffset o : t.getOffsetTable().values()) n += o.getMaxOffset() - o.getMinOffset();
            return n;
        } catch (Throwable e) {
            return -1;
        }
    }

    public static void main(String[] a) throws Exception {
        ns = a[0];
        DefaultMQAdminExt root = new DefaultMQAdminExt(hook(a[1], a[2]));
        root.setNamesrvAddr(ns);
        root.setInstanceName("root");
        root.start();
        String broker = root.examineBrokerClusterInfo().getBrokerAddrTable().values().iterator().next().getBrokerAddrs().get(0L);
        root.createUser(broker, "app1", "p1", "Normal");
        root.createAcl(broker, "User:app1", Arrays.asList("Topic:Authz*"), Arrays.asList("Pub", "Sub", "Get"), null, "Allow");
        root.createAcl(broker, "User:app1", Arrays.asList("Topic:AuthzDenied"), Arrays.asList("Pub"), null, "Deny");
        root.createAcl(broker, "User:app1", Arrays.asList("Group:CG_authz"), Arrays.asList("Sub"), null, "Allow");
        root.updateAcl(broker, "User:app1", Arrays.asList("Topic:FarTopic"), Arrays.asList("Pub"), Arrays.asList("10.0.0.0/8"), "Allow");
        System.out.println("setup OK");
        RPCHook app = hook("app1", "p1");
        send("ok-send", app, "AuthzOk", "authz-ok");
        System.out.println("ok-consume " + consume(app, "CG_authz", "AuthzOk"));
        send("denied-topic", app, "OtherTopic", "x");
        send("deny-override", app, "AuthzDenied", "x");
        send("wrong-ip", app, "FarTopic", "x");
        DefaultMQPullConsumer pc = new DefaultMQPullConsumer("CG_other", app);
        pc.setNamesrvAddr(ns);
        pc.setInstanceName("denied-group");
        pc.start();
        try {
            MessageQueue mq = pc.fetchSubscribeMessageQueues("AuthzOk").iterator().next();
            pc.pull(mq, "*", 0, 1);
            System.out.println("denied-group PULLED");
        } catch (Throwable t) {
            report("denied-group", t);
        }
        pc.shutdown();
        DefaultMQAdminExt normal = new DefaultMQAdminExt(app);
        normal.setNamesrvAddr(ns);
        normal.setInstanceName("normal");
        normal.start();
        try {
            normal.getUser(broker, "app1");
            System.out.println("normal-admin OK");
        } catch (Throwable t) {
            report("normal-admin", t);
        }
        normal.shutdown();
        System.out.println("denied-stored " + stored(root, "OtherTopic") + " " + stored(root, "AuthzDenied") + " " + stored(root, "FarTopic"));
        AclInfo acl = root.getAcl(broker, "User:app1");
        StringBuilder sb = new StringBuilder("acl");
        for (AclInfo.PolicyInfo p : acl.getPolicies())
            for (AclInfo.PolicyEntryInfo e : p.getEntries())
                sb.append(' ').append(p.getPolicyType()).append('/').append(e.getResource()).append('/').append(e.getActions()).append('/').append(e.getSourceIps()).append('/').append(e.getDecision());
        System.out.println(sb);
        root.shutdown();
        System.out.flush();
        System.exit(0);
    }
}
`;

export const AUTHZ49_CLIENT_SOURCE = `${IMPORTS}
public class Authz49Client {
    static String ns;
    static RPCHook hook(String ak, String sk) { return new AclClientRPCHook(new SessionCredentials(ak, sk)); }
${SEND}
    public static void main(String[] a) throws Exception {
        ns = a[0];
        RPCHook app = hook(a[1], a[2]);
        send("ok-send", app, "AuthzOk49", "authz-ok-49");
        System.out.println("ok-consume " + consume(app, "CG_authz", "AuthzOk49"));
        send("denied-topic", app, "OtherTopic49", "x");
        System.out.flush();
        System.exit(0);
    }
}
`;
