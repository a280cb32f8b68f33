package dev.kinfer.worker;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * A record that cannot be read as a request goes, byte for byte, to the model's dead-letter topic, with where
 * it came from and why in headers (the names Kafka Connect uses, so existing DLQ tooling reads them).
 */
final class DeadLetters {
    static final String ORIGIN_TOPIC = "__kinfer.errors.topic";
    static final String ORIGIN_PARTITION = "__kinfer.errors.partition";
    static final String ORIGIN_OFFSET = "__kinfer.errors.offset";
    static final String EXCEPTION_CLASS = "__kinfer.errors.exception.class.name";
    static final String EXCEPTION_MESSAGE = "__kinfer.errors.exception.message";

    private DeadLetters() {
    }

    static ProducerRecord<String, byte[]> of(String dlqTopic, ConsumerRecord<String, byte[]> record, Exception reason) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), record.headers());
        Headers headers = letter.headers();
        headers.add(ORIGIN_TOPIC, utf8(record.topic()));
        headers.add(ORIGIN_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(ORIGIN_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(EXCEPTION_CLASS, utf8(reason.getClass().getName()));
        headers.add(EXCEPTION_MESSAGE, utf8(String.valueOf(reason.getMessage())));
        return letter;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
