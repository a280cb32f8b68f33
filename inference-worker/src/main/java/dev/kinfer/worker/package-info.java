/**
 * The inference worker: consumes one model's request topic as a member of the group
 * {@code kinfer-worker-<model>}, runs batches through the model, stores image outputs and publishes results
 * together with the consumed offsets in one Kafka transaction.
 */
package dev.kinfer.worker;
