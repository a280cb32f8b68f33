package dev.kinfer.worker;

import dev.kinfer.schemas.Embedding;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.Timings;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.ObjectStoreException;
import dev.kinfer.store.S3Uri;
import dev.kinfer.worker.model.ModelOutput;
import dev.kinfer.worker.model.ModelRunner;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch into its results, in the batch's order: expired requests without running the model, inputs
 * awaited (their download started at poll time), one model call for the rest, outputs stored under keys derived
 * from the request id. A problem of one request fails that request only; a transient store failure propagates
 * so that the worker rewinds and the batch runs again.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final ModelRunner model;
    private final ObjectStore store;
    private final WorkerMetrics metrics;
    private final String workerId;

    BatchRunner(ModelRunner model, ObjectStore store, WorkerMetrics metrics, String workerId) {
        this.model = model;
        this.store = store;
        this.metrics = metrics;
        this.workerId = workerId;
    }

    ModelRunner model() {
        return model;
    }

    List<InferenceResult> run(List<Job> jobs) {
        Instant started = Instant.now();
        String version = model.manifest().version();
        InferenceResult[] results = new InferenceResult[jobs.size()];
        List<Integer> runnable = new ArrayList<>();
        List<List<BufferedImage>> inputs = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            metrics.startedWaiting(job.enqueuedAt(), started);
            InferenceRequest request = job.request();
            if (isExpired(request, started)) {
                job.inputs().cancel(true);
                results[i] = Results.expired(request, version, timings(request, started, 0, 0, jobs.size()));
                continue;
            }
            try {
                inputs.add(await(job.inputs()));
                runnable.add(i);
            } catch (RequestFailure failure) {
                results[i] = Results.failed(request, version, timings(request, started, 0, 0, jobs.size()),
                        failure.code(), failure.getMessage(), false);
            }
        }
        Duration fetchTime = Duration.between(started, Instant.now());
        if (!runnable.isEmpty()) {
            runModel(jobs, runnable, inputs, results, started, fetchTime);
        }
        return Arrays.asList(results);
    }

    private void runModel(List<Job> jobs, List<Integer> runnable, List<List<BufferedImage>> inputs, InferenceResult[] results,
                          Instant started, Duration fetchTime) {
        String version = model.manifest().version();
        Instant inferenceStart = Instant.now();
        List<ModelOutput> outputs;
        try {
            outputs = model.run(inputs);
        } catch (RuntimeException e) {
            log.error("model {} failed on a batch of {}", model.manifest().name(), runnable.size(), e);
            for (int i : runnable) {
                InferenceRequest request = jobs.get(i).request();
                results[i] = Results.failed(request, version, timings(request, started, fetchTime.toMillis(), 0, runnable.size()),
                        ErrorCodes.MODEL_ERROR, "the model failed: " + e.getMessage(), true);
            }
            return;
        }
        Duration inferenceTime = Duration.between(inferenceStart, Instant.now());
        metrics.batch(runnable.size(), fetchTime, inferenceTime);
        for (int k = 0; k < runnable.size(); k++) {
            InferenceRequest request = jobs.get(runnable.get(k)).request();
            Object output = store(request.getRequestId(), outputs.get(k));
            results[runnable.get(k)] = Results.succeeded(request, version,
                    timings(request, started, fetchTime.toMillis(), inferenceTime.toMillis(), runnable.size()), output);
        }
    }

    static boolean isExpired(InferenceRequest request, Instant now) {
        return request.getDeadline() != null && request.getDeadline().isBefore(now);
    }

    private Object store(String requestId, ModelOutput output) {
        return switch (output) {
            case ModelOutput.ImageProduct product -> {
                byte[] png = png(product.image());
                S3Uri uri = store.outputUri(requestId, "output.png");
                store.put(uri, png, "image/png");
                yield new ImageOutput(new ImageRef(uri.toString(), sha256(png), "image/png",
                        product.image().getWidth(), product.image().getHeight(), (long) png.length));
            }
            case ModelOutput.VectorProduct vector -> {
                List<Float> values = new ArrayList<>(vector.vector().length);
                for (float v : vector.vector()) {
                    values.add(v);
                }
                yield new Embedding(values);
            }
        };
    }

    Timings timings(InferenceRequest request, Instant started, long fetchMs, long inferenceMs, int batchSize) {
        long queuedMs = Math.max(0, Duration.between(request.getSubmittedAt(), started).toMillis());
        return new Timings(queuedMs, fetchMs, inferenceMs, batchSize, workerId);
    }

    private static List<BufferedImage> await(Future<List<BufferedImage>> fetch) {
        try {
            return fetch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause; // RequestFailure (this request only) or ObjectStoreException (rewind and retry)
            }
            throw new ObjectStoreException("fetch failed: " + e.getCause(), true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while fetching inputs", true, e);
        }
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
