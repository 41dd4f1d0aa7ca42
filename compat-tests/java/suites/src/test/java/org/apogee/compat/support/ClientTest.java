package org.apogee.compat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every scenario class starts from: an admin client and a producer on the target's NameServer, created
 * before each test and closed after it (after the subclass's own @AfterEach has closed its consumers), with
 * the test's single {@link Collector}, if any.
 */
public abstract class ClientTest {
    protected DefaultMQAdminExt admin;
    protected DefaultMQProducer producer;
    /** The test's single consumer, when it has one; closed after the test. */
    protected Collector collector;

    @BeforeEach
    void startClients() throws Exception {
        admin = Clients.admin();
        producer = Clients.producer();
    }

    @AfterEach
    void closeClients() {
        Clients.shutdownQuietly(collector, producer == null ? null : producer::shutdown, admin == null ? null : admin::shutdown);
    }

    /** Sends `n` messages tagged TagA with bodies "label #i", each acknowledged SEND_OK; returns the results in order. */
    protected List<SendResult> sendEach(String topic, int n, String label) throws Exception {
        List<SendResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SendResult r = producer.send(new Message(topic, "TagA", Bodies.utf8(label + " #" + i)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), label + " send #" + i + ": " + r);
            out.add(r);
        }
        return out;
    }
}
