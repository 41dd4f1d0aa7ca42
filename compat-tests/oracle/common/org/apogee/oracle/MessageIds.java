package org.apogee.oracle;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TimeZone;
import org.apache.rocketmq.common.TopicFilterType;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.message.MessageId;

import static org.apogee.oracle.Util.m;

/**
 * messages/ids.json (offset message ids and UNIQ_KEY client ids) and messages/tags.json (consume-queue tags codes).
 */
final class MessageIds {
    private MessageIds() {
    }

    static void ids(Path dir) throws Exception {
        List<Object> offsetIds = new ArrayList<>();
        Object[][] pairs = {
            {"192.168.0.2", 10911, 76364L}, {"10.0.0.1", 10911, 0L}, {"192.168.0.2", 10911, Long.MAX_VALUE},
            {"2001:db8::2", 10911, 76364L}, {"::1", 65535, 1L},
        };
        for (Object[] p : pairs) {
            InetSocketAddress a = Messages.addr((String) p[0], (Integer) p[1]);
            String id = MessageDecoder.createMessageId(a, (Long) p[2]);
            offsetIds.add(m("storeHost", Messages.hostText(a), "offset", p[2], "msgId", id, "decoded", decodeId(id)));
        }
        List<Object> decodeOnly = new ArrayList<>();
        for (String id : new String[] {"c0a8000200002a9f0000000000012a4c", "C0A8000200002A9F0000000000012A4C00",
            "C0A80002"}) {
            decodeOnly.add(m("msgId", id, "decoded", decodeId(id)));
        }
        List<Object> uniq = new ArrayList<>();
        for (String id : new String[] {Messages.UNIQ, "0A0000051A2B00000000000186A0000F", "7F000001C3500A0B0C0D07270E000002",
            "20010DB80000000000000000000000103039" + "4A9A1F6D0B2E64000001",
            "C0A8000A30394A9A1F6D0B2E640000010000ABCD"}) {
            LinkedHashMap<String, Object> u = new LinkedHashMap<>();
            u.put("id", id);
            u.put("hexLength", id.length());
            try {
                u.put("ipStr", MessageClientIDSetter.getIPStrFromID(id));
            } catch (Exception e) {
                u.put("ipStr", "error: " + Util.exceptionText(e));
            }
            try {
                u.put("ip", Util.hex(MessageClientIDSetter.getIPFromID(id)));
            } catch (Exception e) {
                u.put("ip", "error: " + Util.exceptionText(e));
            }
            try {
                u.put("pid", MessageClientIDSetter.getPidFromID(id));
            } catch (Exception e) {
                u.put("pid", "error: " + Util.exceptionText(e));
            }
            try {
                Date d = MessageClientIDSetter.getNearlyTimeFromID(id);
                Calendar cal = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                cal.setTime(d);
                u.put("nearlyTimeDayAndTimeUtc", String.format("day %02d %02d:%02d:%02d.%03d",
                    cal.get(Calendar.DAY_OF_MONTH), cal.get(Calendar.HOUR_OF_DAY), cal.get(Calendar.MINUTE),
                    cal.get(Calendar.SECOND), cal.get(Calendar.MILLISECOND)));
                cal.set(Calendar.DAY_OF_MONTH, 1);
                cal.set(Calendar.HOUR_OF_DAY, 0);
                cal.set(Calendar.MINUTE, 0);
                cal.set(Calendar.SECOND, 0);
                cal.set(Calendar.MILLISECOND, 0);
                u.put("nearlyTimeMsSinceMonthStart", d.getTime() - cal.getTimeInMillis());
            } catch (Exception e) {
                u.put("nearlyTime", "error: " + Util.exceptionText(e));
            }
            uniq.add(u);
        }
        Util.writeJson(dir.resolve("ids.json"), m(
            "note", "offsetMsgIds: MessageDecoder.createMessageId(InetSocketAddress, offset) and decodeMessageId(id)"
                + " (IPv4 iff the id has exactly 32 chars). uniqKeys: MessageClientIDSetter.getIPStrFromID / getIPFromID /"
                + " getPidFromID / getNearlyTimeFromID. getNearlyTimeFromID depends on the wall clock (it picks the"
                + " current or the previous month), so only the day-of-month/time and the offset from that month's start"
                + " are recorded (JVM time zone forced to UTC). The 40-hex id shows that anything not 56 hex chars long is"
                + " treated as IPv4.",
            "offsetMsgIds", offsetIds, "decodeOnly", decodeOnly, "uniqKeys", uniq));
    }

    static Object decodeId(String id) {
        try {
            MessageId mid = MessageDecoder.decodeMessageId(id);
            return m("address", Messages.hostText(mid.getAddress()), "offset", mid.getOffset());
        } catch (Throwable t) {
            return m("error", Util.exceptionText(t));
        }
    }


    static void tags(Path dir) {
        List<Object> rows = new ArrayList<>();
        String[] tags = {null, "", "*", "TagA", "TagB", "TagA || TagB", "tag with space", "中文标签", "Ωmega",
            "\ud83d\ude00", "a".repeat(300), "polygenelubricants", "GydZG_", "DESIGNING WORKHOUSES"};
        for (String t : tags) {
            rows.add(m("tag", t,
                "tagsString2tagsCode", MessageExtBrokerInner.tagsString2tagsCode(t),
                "tagsString2tagsCodeSingleTag", MessageExtBrokerInner.tagsString2tagsCode(TopicFilterType.SINGLE_TAG, t),
                "tagsString2tagsCodeMultiTag", MessageExtBrokerInner.tagsString2tagsCode(TopicFilterType.MULTI_TAG, t),
                "stringHashCode", t == null ? null : t.hashCode()));
        }
        Util.writeJson(dir.resolve("tags.json"), m(
            "note", "MessageExtBrokerInner.tagsString2tagsCode (consume-queue tagsCode) vs String.hashCode().",
            "tags", rows));
    }
}
