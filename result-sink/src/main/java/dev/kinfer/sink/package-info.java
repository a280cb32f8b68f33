/**
 * result-sink: a Kafka Streams application that folds each job's request and result into its status (a state
 * store answering {@code GET /v1/jobs/{id}}) and decides, exactly once, which webhooks to send; a delivery loop
 * then sends them, signed, to callback URLs that pass the network guard.
 */
package dev.kinfer.sink;
