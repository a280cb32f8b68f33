package dev.kinfer.worker;

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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch of requests into their results: expired ones without running the model, inputs fetched
 * concurrently, one model call for the rest, outputs stored under keys derived from the request id.
 * Permanent problems of one request fail that request only; transient store failures propagate so the whole
 * poll is retried.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    /** One request on its way through a batch. */
    record Job(InferenceRequest request) {
    }

    private final ModelRunner model;
    private final ObjectStore store;
    private final InputFetcher fetcher;
    private final ExecutorService io;
    private final String workerId;

    BatchRunner(ModelRunner model, ObjectStore store, ExecutorService io, String workerId) {
        this.model = model;
        this.store = store;
        this.fetcher = new InputFetcher(store);
        this.io = io;
        this.workerId = workerId;
    }

    List<InferenceResult> run(List<Job> jobs) {
        Instant started = Instant.now();
        String version = model.manifest().version();
        List<InferenceResult> results = new ArrayList<>(jobs.size());
        List<Job> runnable = new ArrayList<>();
        List<Future<List<BufferedImage>>> fetches = new ArrayList<>();
        for (Job job : jobs) {
            InferenceRequest request = job.request();
            if (request.getDeadline() != null && request.getDeadline().isBefore(started)) {
                results.add(Results.expired(request, version, timings(request, started, 0, 0, jobs.size())));
            } else if (request.getInputs().size() != 1) {
                results.add(Results.failed(request, version, timings(request, started, 0, 0, jobs.size()),
                        ErrorCodes.WRONG_INPUT_COUNT, model.manifest().task() + " takes exactly one image, got "
                                + request.getInputs().size(), false));
            } else {
                runnable.add(job);
                fetches.add(io.submit(() -> fetcher.fetch(request.getInputs())));
            }
        }

        List<Job> fetched = new ArrayList<>();
        List<List<BufferedImage>> inputs = new ArrayList<>();
        for (int i = 0; i < runnable.size(); i++) {
            InferenceRequest request = runnable.get(i).request();
            try {
                inputs.add(await(fetches.get(i)));
                fetched.add(runnable.get(i));
            } catch (RequestFailure failure) {
                results.add(Results.failed(request, version, timings(request, started, millisSince(started), 0, jobs.size()),
                        failure.code(), failure.getMessage(), false));
            }
        }
        long fetchMs = millisSince(started);
        if (fetched.isEmpty()) {
            return results;
        }

        Instant inferenceStart = Instant.now();
        List<ModelOutput> outputs;
        try {
            outputs = model.run(inputs);
        } catch (RuntimeException e) {
            log.error("model {} failed on a batch of {}", model.manifest().name(), fetched.size(), e);
            for (Job job : fetched) {
                results.add(Results.failed(job.request(), version, timings(job.request(), started, fetchMs, 0, fetched.size()),
                        ErrorCodes.MODEL_ERROR, "the model failed: " + e.getMessage(), true));
            }
            return results;
        }
        long inferenceMs = millisSince(inferenceStart);
        for (int i = 0; i < fetched.size(); i++) {
            InferenceRequest request = fetched.get(i).request();
            Object output = store(request.getRequestId(), outputs.get(i));
            results.add(Results.succeeded(request, version, timings(request, started, fetchMs, inferenceMs, fetched.size()), output));
        }
        return results;
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
        };
    }

    private Timings timings(InferenceRequest request, Instant started, long fetchMs, long inferenceMs, int batchSize) {
        long queuedMs = Math.max(0, Duration.between(request.getSubmittedAt(), started).toMillis());
        return new Timings(queuedMs, fetchMs, inferenceMs, batchSize, workerId);
    }

    private static List<BufferedImage> await(Future<List<BufferedImage>> fetch) {
        try {
            return fetch.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause; // RequestFailure (this request only) or ObjectStoreException (retry the poll)
            }
            throw new ObjectStoreException("fetch failed: " + e.getCause(), true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while fetching inputs", true, e);
        }
    }

    private static long millisSince(Instant start) {
        return Duration.between(start, Instant.now()).toMillis();
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
