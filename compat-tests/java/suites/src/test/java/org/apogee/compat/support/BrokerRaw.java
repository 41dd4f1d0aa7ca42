package org.apogee.compat.support;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * A broker request the client and admin APIs do not expose, sent as the official client's remoting layer sends
 * it (NettyRemotingClient#invokeSync, the same classes in 4.9.8 and 5.5.0). Used for GET_TIMER_METRICS (61), which
 * only a Java slave's SlaveSynchronize sends (BrokerOuterAPI#getTimerMetrics).
 */
public final class BrokerRaw {
    public static final int GET_TIMER_METRICS = 61;

    private BrokerRaw() {
    }

    /** Sends a header-less request `code` to `addr`; returns the response (code, remark, body). */
    public static RemotingCommand invoke(String addr, int code) throws Exception {
        NettyRemotingClient c = new NettyRemotingClient(new NettyClientConfig());
        c.start();
        try {
            return c.invokeSync(addr, RemotingCommand.createRequestCommand(code, null), 10_000);
        } finally {
            c.shutdown();
        }
    }

    /** The body of a successful GET_TIMER_METRICS: TimerMetrics#encode, {"dataVersion":..,"timingCount":{topic:{"count":..}}}. */
    public static String timerMetrics(String addr) throws Exception {
        RemotingCommand r = invoke(addr, GET_TIMER_METRICS);
        if (r.getCode() != 0) {
            throw new AssertionError("GET_TIMER_METRICS (61) to " + addr + ": code " + r.getCode() + " " + r.getRemark());
        }
        return r.getBody() == null ? "" : new String(r.getBody(), StandardCharsets.UTF_8);
    }

    /** timingCount.<topic>.count in a TimerMetrics body (fastjson writes it as "<topic>":{"count":N,...}); -1 when absent. */
    public static long timingCount(String metricsJson, String topic) {
        String key = "\"" + topic + "\":{\"count\":";
        int i = metricsJson.indexOf(key);
        if (i < 0) {
            return -1;
        }
        int s = i + key.length();
        int e = s;
        while (e < metricsJson.length() && (Character.isDigit(metricsJson.charAt(e)) || metricsJson.charAt(e) == '-')) {
            e++;
        }
        return Long.parseLong(metricsJson.substring(s, e));
    }
}
