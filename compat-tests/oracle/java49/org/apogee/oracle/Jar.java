package org.apogee.oracle;

import com.alibaba.fastjson.serializer.SerializerFeature;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.rocketmq.common.DataVersion;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.protocol.body.ConsumerOffsetSerializeWrapper;
import org.apache.rocketmq.common.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.common.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.common.protocol.header.PullMessageResponseHeader;
import org.apache.rocketmq.common.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Jar adapter, RocketMQ 4.9.x flavour: everything the shared oracle (common/) does differently against the 4.9.7 jars.
 * java5/.../Jar.java has the same members for 5.5.0 and says what belongs here. Members that 4.9.x has no API for
 * do nothing.
 */
final class Jar {
    private Jar() {
    }

    static final boolean V5 = false;
    /** The client line, as notes name it. */
    static final String LINE = "4.9.x";

    // ------------------------------------------------------------------ headers.json

    /** A class in the jar that holds the CommandCustomHeaders (rocketmq-common in 4.9.x). */
    static final Class<?> HEADER_JAR = GetRouteInfoRequestHeader.class;
    static final String[] HEADER_PACKAGES = {
        "org/apache/rocketmq/common/protocol/header/",
        "org/apache/rocketmq/common/protocol/header/namesrv/",
        "org/apache/rocketmq/common/rpc/",
    };

    // ------------------------------------------------------------------ route bodies (json-escapes.json, bodies/)

    static final String ROUTE_FEATURES = "BrowserCompatible, QuoteFieldNames, SkipTransientField, MapSortField";
    static final String ROUTE_STANDARD_CALL = "TopicRouteData.encode(SerializerFeature.BrowserCompatible,"
        + " QuoteFieldNames, SkipTransientField, MapSortField)";
    static final String ROUTE_STANDARD_NOTE = "GET_ROUTEINFO_BY_TOPIC body as the 4.9.7 NameServer writes it when the"
        + " request version >= 401 (V4_9_4) or acceptStandardJsonOnly=true (DefaultRequestProcessor.getRouteInfoByTopic)";
    static final String ROUTE_LEGACY_NOTE = "GET_ROUTEINFO_BY_TOPIC body for request version < 401:"
        + " RemotingSerializable.encode(topicRouteData), the same bytes as encode()";

    static byte[] routeStandard(TopicRouteData rd) {
        return rd.encode(SerializerFeature.BrowserCompatible, SerializerFeature.QuoteFieldNames,
            SerializerFeature.SkipTransientField, SerializerFeature.MapSortField);
    }

    // ------------------------------------------------------------------ commands/

    /** 4.9.x has no maxMsgBytes. */
    static void pullRequestExtras(PullMessageRequestHeader h) {
    }

    /** 4.9.x has no topicSysFlag/groupSysFlag. */
    static void pullResponseExtras(PullMessageResponseHeader h) {
    }

    // ------------------------------------------------------------------ messages/

    static final String ZLIB_0X301_NOTE = "sysFlag 0x301 as a 5.x producer sets it (COMPRESSED|ZLIB type bits; 4.9.x"
        + " itself never writes bits 8-10), body zlib level 5 via UtilAll.compress: shows how 4.9.x stores/decodes it";
    /** The 5.x ZLIB compression type bits (4.9.x has no constant for them). */
    static final int ZLIB_TYPE_BITS = 0x300;
    static final String LONG_TOPIC_NOTE = "topic of 200 characters: 4.9.x has only magic V1 (1-byte topic length), the"
        + " encoder writes (byte) 200 = 0xC8 and MessageDecoder.decode fails on it (returns null)";
    static final String STORE_NOTE = "Stored records are produced like the 4.9.7 CommitLog.asyncPutMessage: bodyCRC ="
        + " UtilAll.crc32(body), IPv6 flags from the addresses, then the store's own encoder"
        + " org.apache.rocketmq.store.CommitLog$MessageExtEncoder (package-private constructor and protected"
        + " encode(MessageExtBrokerInner), called by reflection)";

    static byte[] compressZlib(byte[] plain) throws Exception {
        return UtilAll.compress(plain, 5);
    }

    /** 4.9.x has only magic V1. */
    static void pickMessageVersion(MessageExtBrokerInner msg) {
    }

    /** CommitLog.MessageExtEncoder(maxMessageSize) + its protected encode(MessageExtBrokerInner), by reflection. */
    static final class StoreEncoder {
        private final Object enc;
        private final Method encode;
        private final Method buffer;

        StoreEncoder() throws Exception {
            Class<?> c = Class.forName("org.apache.rocketmq.store.CommitLog$MessageExtEncoder");
            Constructor<?> k = c.getDeclaredConstructor(int.class);
            k.setAccessible(true);
            enc = k.newInstance(new MessageStoreConfig().getMaxMessageSize()); // as CommitLog.PutMessageThreadLocal
            encode = c.getDeclaredMethod("encode", MessageExtBrokerInner.class);
            encode.setAccessible(true);
            buffer = c.getDeclaredMethod("getEncoderBuffer");
            buffer.setAccessible(true);
        }

        /** @return the encoder's buffer holding the record at position 0 */
        ByteBuffer encode(MessageExtBrokerInner msg) throws Exception {
            Object res = encode.invoke(enc, msg);
            if (res != null) {
                throw new IllegalStateException("encode failed: " + res);
            }
            return (ByteBuffer) buffer.invoke(enc);
        }
    }

    // ------------------------------------------------------------------ bodies/

    static final String BODIES_ENCODER = "fastjson 1.2.69_noneautotype in rocketmq 4.9.7";
    static final String BODIES_NOT_CAPTURED = "TopicConfigAndQueueMapping (GET_TOPIC_CONFIG) does not exist in 4.9.x";
    static final String REGISTER_DECODE_NOTE = "decodedBackAsJson = RegisterBrokerBody.decode(bin, true).encode(false).";

    /** 4.9.x DataVersion has no stateVersion. */
    static void fixDataVersion(DataVersion dv) {
    }

    /** The wrapper a 4.9.x broker registers with. */
    static TopicConfigSerializeWrapper registerBrokerWrapper() {
        return new TopicConfigSerializeWrapper();
    }

    static void setTopicConfigWrapper(RegisterBrokerBody rb, TopicConfigSerializeWrapper tw) {
        rb.setTopicConfigSerializeWrapper(tw);
    }

    static RegisterBrokerBody decodeRegisterBroker(byte[] compressed) throws Exception {
        return RegisterBrokerBody.decode(compressed, true);
    }

    /** 4.9.x OffsetWrapper has no pullOffset. */
    static void setPullOffset(OffsetWrapper ow, long offset) {
    }

    /** 4.9.x ConsumerOffsetSerializeWrapper has no dataVersion. */
    static void setDataVersion(ConsumerOffsetSerializeWrapper cow, DataVersion dv) {
    }

    /** None: TopicConfigAndQueueMapping does not exist in 4.9.x. */
    static void versionOnlyBodies(Path dir) {
    }
}
