package org.apogee.compat.grpc.support;

import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every gRPC scenario class shares: an Admin (remoting, to the target's NameServer) opened before each test, and
 * the test's consumer, producer and admin closed after it, whatever the test left open. C is the consumer kind the
 * class uses (SimpleConsumer or PushConsumer).
 */
public abstract class GrpcScenario<C extends AutoCloseable> {
    protected Admin admin;
    protected Producer producer;
    protected C consumer;

    @BeforeEach
    protected void openAdmin() throws Exception {
        admin = new Admin();
    }

    @AfterEach
    protected void closeAll() {
        Grpc.closeQuietly(consumer, producer, admin);
    }
}
