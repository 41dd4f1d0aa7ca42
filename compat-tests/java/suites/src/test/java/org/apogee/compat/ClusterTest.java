package org.apogee.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apogee.compat.adapter.Compat;
import org.apogee.compat.support.Await;
import org.apogee.compat.support.Bodies;
import org.apogee.compat.support.BrokerControl;
import org.apogee.compat.support.ClientTest;
import org.apogee.compat.support.Clients;
import org.apogee.compat.support.Collector;
import org.apogee.compat.support.Env;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster proofs (issue 13) on the cluster topology of compat-tests/runner/cluster.ts: 2 NameServers
 * (-Dnamesrv=ns0;ns1), masters broker-a and broker-b (brokerId 0) with one slave each (brokerId 1), every broker
 * registered with both NameServers. The harness kills and starts NameServers and brokers on request (BrokerControl);
 * every scenario starts what it killed again before it ends. Tag "cluster": single-broker targets exclude it (pom).
 */
@Tag("cluster")
class ClusterTest extends ClientTest {
    private static final Duration CONTROL = Duration.ofSeconds(180);
    private static final Duration DELIVERY = Duration.ofSeconds(120);

    @BeforeEach
    void clusterOnly() {
        Assumptions.assumeTrue(BrokerControl.dir().isPresent() && Env.namesrv().contains(";"),
            "needs the cluster topology (two NameServers and harness control, compat-tests/runner/cluster.ts)");
    }

    private static String[] namesrvs() {
        return Env.namesrv().split(";");
    }

    private static DefaultMQAdminExt adminOf(String namesrv) throws Exception {
        DefaultMQAdminExt a = new DefaultMQAdminExt(15_000);
        a.setNamesrvAddr(namesrv);
        a.setInstanceName(Env.unique("admin"));
        a.start();
        return a;
    }

    /** Sends `n` messages, each acknowledged SEND_OK; returns msgId -> brokerName. */
    private static Map<String, String> sendAll(DefaultMQProducer p, String topic, int n, String label) throws Exception {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            SendResult r = p.send(new Message(topic, "TagA", Bodies.utf8(label + " #" + i)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), label + " send #" + i + ": " + r);
            out.put(r.getMsgId(), r.getMessageQueue().getBrokerName());
        }
        return out;
    }

    /**
     * Waits until `namesrv` lists both masters and both slaves. A restarted NameServer is empty until every broker's
     * next periodic registration (registerNameServerPeriod, 30 s), Java's and Apogee's alike.
     */
    private static Map<String, Map<Long, String>> awaitFullCluster(String namesrv) throws Exception {
        DefaultMQAdminExt a = adminOf(namesrv);
        try {
            return Await.until("both masters and both slaves listed by " + namesrv, Duration.ofSeconds(90), () -> {
                Map<String, Map<Long, String>> b = Compat.brokers(a);
                return b.size() == 2 && b.values().stream().allMatch(ids -> ids.keySet().equals(Set.of(0L, 1L))) ? b : null;
            });
        } finally {
            a.shutdown();
        }
    }

    @Test
    @DisplayName("cluster.clusterlist-each-namesrv")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void clusterListFromEachNameServer() throws Exception {
        // What `mqadmin clusterList -n <ns>` prints comes from GET_BROKER_CLUSTER_INFO: the same from each NameServer.
        List<Map<String, Map<Long, String>>> seen = new ArrayList<>();
        for (String ns : namesrvs()) {
            DefaultMQAdminExt a = adminOf(ns);
            try {
                Map<String, Map<Long, String>> brokers = Await.until("both masters and both slaves listed by " + ns, Duration.ofSeconds(60), () -> {
                    Map<String, Map<Long, String>> b = Compat.brokers(a);
                    return b.size() == 2 && b.values().stream().allMatch(ids -> ids.keySet().equals(Set.of(0L, 1L))) ? b : null;
                });
                Map<String, List<String>> clusters = Compat.clusters(a);
                assertEquals(new TreeSet<>(brokers.keySet()), new TreeSet<>(clusters.get("DefaultCluster")), ns + " clusterAddrTable: " + clusters);
                seen.add(brokers);
            } finally {
                a.shutdown();
            }
        }
        assertEquals(seen.get(0), seen.get(1), "the two NameServers list the same brokers");
    }

    @Test
    @DisplayName("cluster.sends-spread-over-masters")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sendsSpreadOverMasters() throws Exception {
        String topic = Clients.createTopic(admin, "cl_spread", 4);
        String group = Env.unique("cg_spread");
        collector = Collector.create("c1", group, topic, "*").start();
        Map<String, String> sent = sendAll(producer, topic, 40, "spread");
        assertEquals(Set.of("broker-a", "broker-b"), new HashSet<>(sent.values()), "sends land on both masters: " + sent.values());
        collector.awaitIds("every acknowledged message consumed", sent.keySet(), DELIVERY);
    }

    @Test
    @DisplayName("cluster.namesrv-killed-clients-continue")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void nameServerKilled() throws Exception {
        String topic = Clients.createTopic(admin, "cl_ns", 4);
        collector = Collector.create("c1", Env.unique("cg_ns"), topic, "*").start();
        Map<String, String> sent = new java.util.LinkedHashMap<>(sendAll(producer, topic, 10, "before"));
        BrokerControl.killNamesrv(0, CONTROL);
        DefaultMQProducer fresh = null;
        try {
            sent.putAll(sendAll(producer, topic, 10, "after-kill"));
            // A client started now must find the routes through the NameServer left.
            fresh = Clients.producer();
            // The 5.x client's first NameServer call may go to the dead one and fail (RemotingConnectException); its
            // next call rotates to the other (NettyRemotingClient#getAndCreateNameserverChannel). Same on any target.
            DefaultMQProducer f = fresh;
            Await.until("a fresh client finds the route through the NameServer left", Duration.ofSeconds(60),
                () -> f.fetchPublishMessageQueues(topic).isEmpty() ? null : true);
            sent.putAll(sendAll(fresh, topic, 10, "fresh-client"));
            collector.awaitIds("every acknowledged message consumed with one NameServer down", sent.keySet(), DELIVERY);
        } finally {
            if (fresh != null) {
                fresh.shutdown();
            }
            BrokerControl.startNamesrv(0, CONTROL);
            awaitFullCluster(namesrvs()[0]);
        }
    }

    @Test
    @DisplayName("cluster.master-killed-producers-move")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void masterKilled() throws Exception {
        String topic = Clients.createTopic(admin, "cl_master", 4);
        Map<String, String> sent = new java.util.LinkedHashMap<>(sendAll(producer, topic, 20, "before"));
        BrokerControl.killBroker("broker-a", 0, CONTROL);
        try {
            Map<String, String> after = sendAll(producer, topic, 40, "after-kill");
            sent.putAll(after);
            assertTrue(after.values().stream().allMatch("broker-b"::equals),
                "after broker-a's master died (and the client noticed), sends go to broker-b: " + after.values());
        } finally {
            BrokerControl.startBroker("broker-a", 0, CONTROL);
        }
        for (String ns : namesrvs()) {
            awaitFullCluster(ns);
        }
        // Producers return: once the client's route (refreshed every 30 s) has broker-a's restarted master again, its
        // sends reach it; every one of them acknowledged and counted for the consumer below.
        int[] batch = {0};
        Await.until("sends reach broker-a's restarted master", Duration.ofSeconds(150), () -> {
            Map<String, String> r = sendAll(producer, topic, 8, "after-restart-" + batch[0]++);
            sent.putAll(r);
            return r.containsValue("broker-a") ? Boolean.TRUE : null;
        });
        collector = Collector.create("c1", Env.unique("cg_master"), topic, "*").start();
        collector.awaitIds("nothing acknowledged lost (broker-a's master back)", sent.keySet(), DELIVERY);
    }

    @Test
    @DisplayName("cluster.consume-from-slave-after-master-killed")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void consumeFromSlave() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("compat.slaveReplication"), "needs lib/ha replication (h/ha-repl)");
        String topic = Clients.createTopic(admin, "cl_slave", 4);
        Map<String, String> sent = sendAll(producer, topic, 40, "to-replicate");
        // The slaves hold everything before the master goes: their max offsets equal their masters'.
        Map<String, Map<Long, String>> brokers = Compat.brokers(admin);
        for (Map.Entry<String, Map<Long, String>> b : brokers.entrySet()) {
            String master = b.getValue().get(0L);
            String slave = b.getValue().get(1L);
            // A slave knows a new topic after its next metadata sync (SlaveSynchronize: every 60 s).
            Await.until(b.getKey() + "'s slave caught up with its master", Duration.ofSeconds(150), () -> {
                Map<org.apache.rocketmq.common.message.MessageQueue, Long> m = Compat.maxOffsetsOn(admin, master, topic);
                Map<org.apache.rocketmq.common.message.MessageQueue, Long> s = Compat.maxOffsetsOn(admin, slave, topic);
                for (Map.Entry<org.apache.rocketmq.common.message.MessageQueue, Long> e : m.entrySet()) {
                    Long so = s.get(e.getKey());
                    if (so == null || so < e.getValue()) {
                        return null;
                    }
                }
                return true;
            });
        }
        BrokerControl.killBroker("broker-a", 0, CONTROL);
        try {
            collector = Collector.create("c1", Env.unique("cg_slave"), topic, "*").start();
            collector.awaitIds("every message consumed, broker-a's from its slave", sent.keySet(), DELIVERY);
        } finally {
            BrokerControl.startBroker("broker-a", 0, CONTROL);
            for (String ns : namesrvs()) {
                awaitFullCluster(ns);
            }
        }
    }
}
