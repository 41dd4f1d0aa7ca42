package org.apogee.oracle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

import static org.apogee.oracle.Util.m;

/**
 * bodies/parse-probe.json: non-standard TopicRouteData and HeartbeatData JSON (Go-client style, numbers as strings,
 * enums by ordinal, unknown fields, ...) fed to RemotingSerializable.decode, then re-encoded.
 */
final class BodyProbes {
    private BodyProbes() {
    }

    static Object probe(String input, Class<?> cls) {
        LinkedHashMap<String, Object> r = new LinkedHashMap<>();
        r.put("input", input);
        try {
            Object o = RemotingSerializable.decode(input.getBytes(StandardCharsets.UTF_8), cls);
            r.put("reencoded", o == null ? null : new String(RemotingSerializable.encode(o), StandardCharsets.UTF_8));
            r.put("parsed", Util.describe(o));
        } catch (Throwable t) {
            r.put("error", Util.exceptionText(t));
        }
        return r;
    }

    static void run(Path dir) {
        TreeMap<String, Object> route = new TreeMap<>();
        String qd = "\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,"
            + "\"writeQueueNums\":4}]";
        route.put("quoted-integer-keys", probe("{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"192.168.0.2:10911\",\"1\":"
            + "\"192.168.0.3:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\","
            + "\"enableActingMaster\":false}],\"filterServerTable\":{}," + qd + "}", TopicRouteData.class));
        route.put("unquoted-integer-keys", probe("{\"brokerDatas\":[{\"brokerAddrs\":{0:\"192.168.0.2:10911\",1:"
            + "\"192.168.0.3:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],"
            + "\"filterServerTable\":{}," + qd + "}", TopicRouteData.class));
        route.put("numbers-as-strings", probe("{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"192.168.0.2:10911\"},"
            + "\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\",\"enableActingMaster\":\"false\"}],"
            + "\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":\"6\",\"readQueueNums\":\"4\",\"topicSysFlag\":\"0\","
            + "\"writeQueueNums\":\"4\"}]}", TopicRouteData.class));
        route.put("unknown-fields", probe("{\"foo\":1,\"bar\":{\"x\":[1,2,{\"y\":null}]},\"brokerDatas\":[{\"brokerAddrs\":"
            + "{\"0\":\"192.168.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\",\"zone\":\"z\"}],"
            + "\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSynFlag\":0,"
            + "\"writeQueueNums\":4,\"extra\":true}]}", TopicRouteData.class));
        route.put("whitespace-and-missing-lists", probe(" {\n  \"orderTopicConf\" : \"broker-a:4\" \n} ",
            TopicRouteData.class));
        route.put("non-numeric-broker-id", probe("{\"brokerDatas\":[{\"brokerAddrs\":{\"master\":\"192.168.0.2:10911\"},"
            + "\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}]," + qd + "}", TopicRouteData.class));
        route.put("extreme-broker-ids", probe("{\"brokerDatas\":[{\"brokerAddrs\":{\"-1\":\"a:1\",\"9223372036854775807\":"
            + "\"b:2\",\"007\":\"c:3\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}]," + qd + "}",
            TopicRouteData.class));
        route.put("null-broker-addrs", probe("{\"brokerDatas\":[{\"brokerAddrs\":null,\"brokerName\":\"broker-a\","
            + "\"cluster\":\"DefaultCluster\"}]," + qd + "}", TopicRouteData.class));

        TreeMap<String, Object> hb = new TreeMap<>();
        hb.put("java-style", probe("{\"clientID\":\"192.168.0.10@12345\",\"consumerDataSet\":[{\"consumeFromWhere\":"
            + "\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"cg1\",\"messageModel\":"
            + "\"CLUSTERING\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"codeSet\":[2598919,2598920],"
            + "\"expressionType\":\"TAG\",\"subString\":\"TagA || TagB\",\"subVersion\":1700000000000,\"tagsSet\":"
            + "[\"TagA\",\"TagB\"],\"topic\":\"TopicTest\"}],\"unitMode\":false}],\"producerDataSet\":[{\"groupName\":"
            + "\"pg1\"}]}", HeartbeatData.class));
        hb.put("go-client-style", probe("{\"clientID\":\"192.168.0.10@12345#1700000000000000000\",\"producerDataSet\":"
            + "[{\"groupName\":\"CLIENT_INNER_PRODUCER\"}],\"consumerDataSet\":[{\"groupName\":\"cg1\",\"consumeType\":"
            + "\"CONSUME_PASSIVELY\",\"messageModel\":\"Clustering\",\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\","
            + "\"subscriptionDataSet\":[{\"classFilterMode\":false,\"topic\":\"TopicTest\",\"subString\":\"TagA || TagB\","
            + "\"tagsSet\":[\"TagA\",\"TagB\"],\"codeSet\":[\"2598919\",\"2598920\"],\"subVersion\":1700000000000000000,"
            + "\"expressionType\":\"TAG\"}],\"unitMode\":false}]}", HeartbeatData.class));
        hb.put("enums-by-ordinal", probe("{\"clientID\":\"c\",\"consumerDataSet\":[{\"groupName\":\"cg1\",\"consumeType\":1,"
            + "\"messageModel\":1,\"consumeFromWhere\":0,\"subscriptionDataSet\":[]}]}", HeartbeatData.class));
        hb.put("unknown-enum-and-fields", probe("{\"clientID\":\"c\",\"heartbeatFingerprint\":\"7\",\"extra\":[1],"
            + "\"consumerDataSet\":[{\"groupName\":\"cg1\",\"consumeType\":\"SOMETHING\",\"messageModel\":\"BROADCASTING\","
            + "\"consumeFromWhere\":\"CONSUME_FROM_TIMESTAMP\",\"subscriptionDataSet\":[{\"topic\":\"T\",\"subString\":"
            + "\"*\",\"codeSet\":[],\"tagsSet\":[],\"subVersion\":\"12\"}]}]}", HeartbeatData.class));
        Util.writeJson(dir.resolve("parse-probe.json"), m(
            "note", "RemotingSerializable.decode(input UTF-8 bytes, Class) then RemotingSerializable.encode(parsed) ->"
                + " reencoded; parsed = the resulting object's fields (Util.describe). 'error' = decode threw.",
            "TopicRouteData", route, "HeartbeatData", hb));
    }
}
