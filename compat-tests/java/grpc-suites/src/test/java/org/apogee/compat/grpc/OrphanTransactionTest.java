package org.apogee.compat.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apogee.compat.grpc.support.Grpc;
import org.apogee.compat.grpc.support.GrpcScenario;
import org.apogee.compat.grpc.support.GrpcEnv;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Orphaned-transaction recovery (Java: TransactionalMessageCheckService -> CHECK_TRANSACTION_STATE; the proxy relays
 * it to the gRPC producer as a Telemetry RecoverOrphanedTransactionCommand, GrpcClientChannel#processCheckTransaction).
 * The producer sends a half message and never ends the transaction; its TransactionChecker commits when asked, and
 * the consumer then gets the message. It waits for the broker's check (transactionTimeOut 6 s, then the next run of
 * transactionCheckInterval, 30 s by default): full run only (-Dcompat.full=true), else skipped saying so.
 */
class OrphanTransactionTest extends GrpcScenario<SimpleConsumer> {
    private static final Duration INVISIBLE = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(90);

    @Test
    @DisplayName("grpc.transaction-orphan-checker-commits")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void checkerCommits() throws Exception {
        Assumptions.assumeTrue("true".equals(System.getProperty("compat.full")),
            "full run only (-Dcompat.full=true): waits up to transactionTimeOut + transactionCheckInterval (36 s) for the broker's check");
        String topic = admin.createTopic("grpc_tx_orphan", "TRANSACTION", 1);
        consumer = Grpc.simpleConsumer(GrpcEnv.unique("grpc_cg_tx_orphan"), topic, Grpc.tag("*"));
        AtomicInteger asked = new AtomicInteger();
        producer = Grpc.PROVIDER.newProducerBuilder()
            .setClientConfiguration(Grpc.config())
            .setTopics(topic)
            .setTransactionChecker(m -> {
                asked.incrementAndGet();
                return Grpc.body(m).equals("orphan") ? TransactionResolution.COMMIT : TransactionResolution.ROLLBACK;
            })
            .build();
        Transaction t = producer.beginTransaction();
        producer.send(Grpc.message(topic, "orphan").setTag("T").build(), t);
        // Neither commit nor rollback: only the broker's check, relayed to the checker, can end it.
        List<MessageView> got = Grpc.receive(consumer, 1, INVISIBLE, BOUND, true);
        assertEquals(List.of("orphan"), Grpc.bodies(got), "the orphaned transaction was committed by the checker");
        assertTrue(asked.get() >= 1, "the TransactionChecker was asked");
    }
}
