package dev.kinfer.worker;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.worker.model.ModelRunner;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;

/**
 * One request between poll and result. Its inputs start downloading the moment it is polled, so they are
 * usually decoded by the time its batch reaches the model.
 *
 * @param model  the model version chosen for it when it was polled
 * @param bucket the batching bucket: requests in one batch share it (so also the version)
 */
record Job(TopicPartition partition, long offset, InferenceRequest request, Instant enqueuedAt, ModelRunner model, String bucket,
           Future<List<BufferedImage>> inputs) {
}
