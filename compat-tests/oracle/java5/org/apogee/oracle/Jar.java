package org.apogee.oracle;

import com.alibaba.fastjson2.JSONObject;
import com.alibaba.fastjson2.JSONWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.message.MessageVersion;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.body.ConsumerOffsetSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigAndMappingSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PullMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.remoting.protocol.statictopic.TopicConfigAndQueueMapping;
import org.apache.rocketmq.store.MessageExtEncoder;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Jar adapter, RocketMQ 5.x flavour: everything the shared oracle (common/) does differently against the 5.5.0 jars.
 * java49/.../Jar.java has the same members for 4.9.7. The shared code reaches only these members; a member is here
 * because the API differs (a method, class or encoder exists in one line only) or because the text recorded in a
 * fixture names a version-specific API.
 */
final class Jar {
    private Jar() {
    }

    static final boolean V5 = true;
    /** The client line, as notes name it. */
    static final String LINE = "5.x";

    // ------------------------------------------------------------------ headers.json

    /** A class in the jar that holds the CommandCustomHeaders (rocketmq-remoting in 5.x). */
    static final Class<?> HEADER_JAR = RemotingCommand.class;
    static final String[] HEADER_PACKAGES = {
        "org/apache/rocketmq/remoting/protocol/header/",
        "org/apache/rocketmq/remoting/protocol/header/namesrv/",
        "org/apache/rocketmq/remoting/rpc/",
    };

    // ------------------------------------------------------------------ route bodies (json-escapes.json, bodies/)

    /** The NameServer's GET_ROUTEINFO_BY_TOPIC features for request version >= 401, as json-escapes.json names them. */
    static final String ROUTE_FEATURES = "BrowserCompatible, MapSortField";
    static final String ROUTE_STANDARD_CALL =
        "TopicRouteData.encode(JSONWriter.Feature.BrowserCompatible, JSONWriter.Feature.MapSortField)";
    static final String ROUTE_STANDARD_NOTE = "GET_ROUTEINFO_BY_TOPIC body as the 5.5.0 NameServer writes it when the"
        + " request version >= 401 (V4_9_4) or acceptStandardJsonOnly=true (ClientRequestProcessor, checked in the"
        + " rocketmq-namesrv 5.5.0 jar)";
    static final String ROUTE_LEGACY_NOTE = "GET_ROUTEINFO_BY_TOPIC body for request version < 401: plain encode()";

    static byte[] routeStandard(TopicRouteData rd) {
        return rd.encode(JSONWriter.Feature.BrowserCompatible, JSONWriter.Feature.MapSortField);
    }

    // ------------------------------------------------------------------ commands/

    /** PullAPIWrapper.pullKernelImpl: 5.x also sends maxMsgBytes. */
    static void pullRequestExtras(PullMessageRequestHeader h) {
        h.setMaxMsgBytes(Integer.MAX_VALUE);
    }

    /** PullMessageProcessor: 5.x also sets topicSysFlag/groupSysFlag on PULL_NOT_FOUND. */
    static void pullResponseExtras(PullMessageResponseHeader h) {
        h.setTopicSysFlag(0);
        h.setGroupSysFlag(0);
    }

    // ------------------------------------------------------------------ messages/

    static final String ZLIB_0X301_NOTE = "body compressed by a 5.x producer: CompressorFactory ZLIB level 5, sysFlag"
        + " COMPRESSED|ZLIB (0x301)";
    /** The compression type bits of sysFlag 0x301 (bits 8-10). */
    static final int ZLIB_TYPE_BITS = MessageSysFlag.COMPRESSION_ZLIB_TYPE;
    static final String LONG_TOPIC_NOTE = "topic of 200 characters: CommitLog picks MessageVersion V2 (magic"
        + " 0xDAA320AB, 2-byte topic length) because autoMessageVersionOnTopicLen=true and topic.length() > 127";
    /** How a stored record is produced, up to the doAppend patches (messages/index.json). */
    static final String STORE_NOTE = "Stored records are produced like CommitLog.asyncPutMessage: bodyCRC ="
        + " UtilAll.crc32(body), magic version by topic length, IPv6 flags from the addresses, then"
        + " org.apache.rocketmq.store.MessageExtEncoder.encode(msgInner)";

    static byte[] compressZlib(byte[] plain) throws Exception {
        return CompressorFactory.getCompressor(CompressionType.ZLIB).compress(plain, 5);
    }

    /** CommitLog.asyncPutMessage: magic V2 (2-byte topic length) for topics longer than 127 characters. */
    static void pickMessageVersion(MessageExtBrokerInner msg) {
        msg.setVersion(MessageVersion.MESSAGE_VERSION_V1);
        if (new MessageStoreConfig().isAutoMessageVersionOnTopicLen() && msg.getTopic().length() > Byte.MAX_VALUE) {
            msg.setVersion(MessageVersion.MESSAGE_VERSION_V2);
        }
    }

    /** The store's commit-log encoder: org.apache.rocketmq.store.MessageExtEncoder (public in 5.x). */
    static final class StoreEncoder {
        private final MessageExtEncoder enc = new MessageExtEncoder(new MessageStoreConfig());

        /** @return the encoder's buffer holding the record at position 0 */
        ByteBuffer encode(MessageExtBrokerInner msg) {
            Object res = enc.encode(msg);
            if (res != null) {
                throw new IllegalStateException("encode failed: " + res);
            }
            return enc.getEncoderBuffer();
        }
    }

    // ------------------------------------------------------------------ bodies/

    static final String BODIES_ENCODER = "fastjson2 in rocketmq 5.5.0";
    /** What 4.9.x cannot capture (null: nothing). */
    static final String BODIES_NOT_CAPTURED = null;
    static final String REGISTER_DECODE_NOTE = "decodedBackAsJson = RegisterBrokerBody.decode(bin, true,"
        + " CURRENT_VERSION).encode(false), with mappingDataVersion removed (not carried in the compressed form; decode"
        + " fills in a fresh DataVersion stamped with the wall clock).";

    /** DataVersion fields that only 5.x has. */
    static void fixDataVersion(DataVersion dv) {
        dv.setStateVersion(0L);
    }

    /** The wrapper a 5.x broker registers with: the AndMapping subclass. */
    static TopicConfigSerializeWrapper registerBrokerWrapper() {
        TopicConfigAndMappingSerializeWrapper tw = new TopicConfigAndMappingSerializeWrapper();
        tw.setMappingDataVersion(Bodies.dataVersion(0));
        return tw;
    }

    static void setTopicConfigWrapper(RegisterBrokerBody rb, TopicConfigSerializeWrapper tw) {
        rb.setTopicConfigSerializeWrapper((TopicConfigAndMappingSerializeWrapper) tw);
    }

    static RegisterBrokerBody decodeRegisterBroker(byte[] compressed) throws Exception {
        RegisterBrokerBody back = RegisterBrokerBody.decode(compressed, true,
            MQVersion.Version.values()[MQVersion.CURRENT_VERSION]);
        // the compressed form carries no mappingDataVersion: decode puts a new DataVersion() (wall clock) there
        back.getTopicConfigSerializeWrapper().setMappingDataVersion(null);
        return back;
    }

    static void setPullOffset(OffsetWrapper ow, long offset) {
        ow.setPullOffset(offset);
    }

    static void setDataVersion(ConsumerOffsetSerializeWrapper cow, DataVersion dv) {
        cow.setDataVersion(dv);
    }

    /** Bodies only 5.x has, written between producer-connection and data-version. */
    static void versionOnlyBodies(Path dir) {
        TopicConfigAndQueueMapping tqm = new TopicConfigAndQueueMapping(Bodies.topicConfig("TopicTest", 4, 6), null);
        Bodies.write(dir, "topic-config-and-queue-mapping", tqm,
            JSONObject.toJSONString(tqm).getBytes(StandardCharsets.UTF_8),
            "com.alibaba.fastjson2.JSONObject.toJSONString(new TopicConfigAndQueueMapping(topicConfig, null)).getBytes(UTF-8)",
            "GET_TOPIC_CONFIG body for a non-static topic (AdminBrokerProcessor.getTopicConfig, checked in the"
                + " rocketmq-broker 5.5.0 jar)");
    }
}
