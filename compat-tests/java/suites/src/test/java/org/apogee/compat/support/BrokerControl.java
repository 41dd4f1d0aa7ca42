package org.apogee.compat.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Handshake with the harness for scenarios that need the broker killed or restarted mid-test.
 *
 * The harness passes -Dcompat.control=DIR and watches DIR. The test writes request-N.json atomically (temp file +
 * rename) and waits for response-N.json:
 *   request  {"id":N,"action":"kill-restart-broker","durable":{"group":G,"topic":T,"offsets":{"0":12,...}}}
 *   response {"id":N,"ok":true,"detail":"..."}  or  {"id":N,"ok":false,"error":"..."}
 * "durable" asks the harness to wait, before SIGKILL, until the broker has made those committed offsets durable
 * (Apache: consumerOffset.json, written every flushConsumerOffsetInterval = 5 s).
 * Without -Dcompat.control the scenario is skipped (it cannot kill a broker it does not control).
 */
public final class BrokerControl {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern OK = Pattern.compile("\"ok\"\\s*:\\s*(true|false)");

    private BrokerControl() {
    }

    public static Optional<Path> dir() {
        return Env.controlDir();
    }

    /** SIGKILL the broker and restart it on the same store; returns when the harness reports it ready again. */
    public static String killAndRestartBroker(String group, String topic, Map<Integer, Long> durableOffsets, Duration timeout) throws IOException {
        StringBuilder offsets = new StringBuilder();
        for (Map.Entry<Integer, Long> e : durableOffsets.entrySet()) {
            if (offsets.length() > 0) {
                offsets.append(',');
            }
            offsets.append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        String body = "{\"action\":\"kill-restart-broker\",\"durable\":{\"group\":" + quote(group) + ",\"topic\":" + quote(topic)
            + ",\"offsets\":{" + offsets + "}}}";
        return request(body, timeout);
    }

    /** SIGKILL the broker and restart it on the same store, with no durability wait; returns once it is ready again. */
    public static String killAndRestartBroker(Duration timeout) throws IOException {
        return request("{\"action\":\"kill-restart-broker\"}", timeout);
    }

    /** Cluster topology: SIGKILL NameServer #index of -Dnamesrv (it stays down until startNamesrv). */
    public static String killNamesrv(int index, Duration timeout) throws IOException {
        return request("{\"action\":\"kill-namesrv\",\"index\":" + index + "}", timeout);
    }

    public static String startNamesrv(int index, Duration timeout) throws IOException {
        return request("{\"action\":\"start-namesrv\",\"index\":" + index + "}", timeout);
    }

    /** Cluster topology: SIGKILL one broker (it stays down until startBroker, which reuses its ports and store). */
    public static String killBroker(String brokerName, long brokerId, Duration timeout) throws IOException {
        return request("{\"action\":\"kill-broker\",\"brokerName\":" + quote(brokerName) + ",\"brokerId\":" + brokerId + "}", timeout);
    }

    public static String startBroker(String brokerName, long brokerId, Duration timeout) throws IOException {
        return request("{\"action\":\"start-broker\",\"brokerName\":" + quote(brokerName) + ",\"brokerId\":" + brokerId + "}", timeout);
    }

    private static String request(String jsonWithoutId, Duration timeout) throws IOException {
        Path dir = dir().orElseThrow(() -> new IllegalStateException("no -Dcompat.control directory"));
        int id = SEQ.incrementAndGet() + (int) (ProcessHandle.current().pid() % 10_000) * 1000;
        String json = "{\"id\":" + id + "," + jsonWithoutId.substring(1);
        Path tmp = dir.resolve("request-" + id + ".json.tmp");
        Files.write(tmp, json.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, dir.resolve("request-" + id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        Path response = dir.resolve("response-" + id + ".json");
        String text = Await.until("the harness to answer control request " + id + " (" + json + ")", timeout, () ->
            Files.exists(response) ? Files.readString(response, StandardCharsets.UTF_8) : null);
        Matcher ok = OK.matcher(text);
        if (!ok.find() || !"true".equals(ok.group(1))) {
            throw new AssertionFailedError("the harness could not do " + json + ": " + stringField(text, "error"));
        }
        return text;
    }

    /** The value of a top-level string field of a flat JSON object (no regex: values can be long). */
    static String stringField(String json, String name) {
        String marker = "\"" + name + "\":\"";
        int i = json.indexOf(marker);
        if (i < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder();
        for (i += marker.length(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < json.length()) {
                char n = json.charAt(++i);
                switch (n) {
                    case 'n': out.append('\n'); break;
                    case 't': out.append('\t'); break;
                    case 'r': out.append('\r'); break;
                    case 'u':
                        if (i + 4 < json.length()) {
                            out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                        break;
                    default: out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
