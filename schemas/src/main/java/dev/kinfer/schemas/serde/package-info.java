/**
 * Avro over Kafka in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
 * with schemas registered under {@code <topic>-value} through the Confluent Schema Registry REST API.
 * Works unchanged against Confluent Schema Registry, Karapace, Redpanda and Apicurio's ccompat API.
 */
package dev.kinfer.schemas.serde;
