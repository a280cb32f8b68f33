/**
 * The contract between kinfer's services: Avro records (generated from {@code src/main/avro}), the topic
 * catalogue ({@link dev.kinfer.schemas.Topics}) and a Kafka serde that speaks the Confluent wire format
 * through the Confluent Schema Registry REST API ({@link dev.kinfer.schemas.serde}).
 */
package dev.kinfer.schemas;
