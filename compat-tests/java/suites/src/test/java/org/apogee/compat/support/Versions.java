package org.apogee.compat.support;

import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apogee.compat.adapter.Compat;
import org.junit.jupiter.api.Assumptions;

/**
 * Client and broker versions, for the few client/broker pairings Apache RocketMQ itself does not support. A
 * scenario that cannot work on such a pairing is skipped with the reason (never silently passed).
 */
public final class Versions {
    private Versions() {
    }

    /** The official client on the classpath, e.g. "V5_5_0" (MQVersion.CURRENT_VERSION). */
    public static String client() {
        return MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION);
    }

    /** brokerName -> brokerVersionDesc of every master in the target's cluster info. */
    public static Map<String, String> brokers(DefaultMQAdminExt admin) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> m : Clients.masters(admin).entrySet()) {
            out.put(m.getKey(), Compat.brokerVersion(admin, m.getValue()));
        }
        return out;
    }

    /** True when the client is 5.x and some master reports a 4.x version. */
    public static boolean client5WithBroker4(DefaultMQAdminExt admin) throws Exception {
        return client().startsWith("V5_") && brokers(admin).values().stream().anyMatch(v -> v.startsWith("V4_"));
    }

    /** Skips the calling scenario on a 5.x client + 4.x broker pairing, with `why` as the reason. */
    public static void assumeNotClient5WithBroker4(DefaultMQAdminExt admin, String why) throws Exception {
        Assumptions.assumeFalse(client5WithBroker4(admin),
            () -> "not supported by Apache RocketMQ for client " + client() + " with broker(s) " + safeBrokers(admin) + ": " + why);
    }

    private static String safeBrokers(DefaultMQAdminExt admin) {
        try {
            return brokers(admin).toString();
        } catch (Exception e) {
            return "?";
        }
    }

    /** Skips the calling scenario when some master is a 4.x broker (a 5.x broker feature), with `why` as the reason. */
    public static void assumeBroker5(DefaultMQAdminExt admin, String why) throws Exception {
        Assumptions.assumeFalse(brokers(admin).values().stream().anyMatch(v -> v.startsWith("V4_")),
            () -> "not supported by Apache RocketMQ broker(s) " + safeBrokers(admin) + ": " + why);
    }
}
