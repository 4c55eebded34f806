package io.mysqlha.topology.kafka;

import io.mysqlha.events.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Publishes one round of decisions (topology generations and alerts of every cluster that changed) as one Kafka
 * transaction, together with the owner's consumer positions under its group generation. The group coordinator
 * refuses the positions of a member that lost its partitions, which aborts the transaction: an owner that was
 * frozen past its session and thawed (a zombie) can never publish a generation its successor also publishes.
 * Readers of the topology and alerts topics use {@code isolation.level=read_committed}.
 */
final class DecisionPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DecisionPublisher.class);

    private final KafkaAccess kafka;
    private final String transactionalId;
    private KafkaProducer<byte[], byte[]> producer;

    DecisionPublisher(KafkaAccess kafka, String transactionalId) {
        this.kafka = kafka;
        this.transactionalId = transactionalId;
    }

    /**
     * Sends the records and the positions as one transaction. False when it did not commit (Kafka away, this
     * member fenced): nothing of it is visible to readers, and the caller decides again later.
     */
    boolean publish(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> positions,
                    ConsumerGroupMetadata group) {
        if (producer == null) {
            try {
                producer = create();
            } catch (KafkaException e) {
                LOG.warnf("cannot start the topology producer %s yet (%s); deciding again shortly", transactionalId,
                        e.getMessage());
                return false;
            }
        }
        try {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.sendOffsetsToTransaction(positions, group);
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            LOG.errorf("the topology producer %s cannot continue (%s); starting a new one", transactionalId,
                    e.getMessage());
            discard();
            return false;
        } catch (KafkaException e) {
            LOG.warnf("publishing %d record(s) failed, nothing of it is visible; deciding again shortly: %s",
                    records.size(), e.getMessage());
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                discard();
            }
            return false;
        }
    }

    private KafkaProducer<byte[], byte[]> create() {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // an owner killed mid-transaction blocks read_committed readers of its partitions this long at most
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)),
                new ByteArraySerializer(), new ByteArraySerializer());
        try {
            p.initTransactions(); // also aborts what an earlier life of this transactional id left open
            return p;
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
    }

    private void discard() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
