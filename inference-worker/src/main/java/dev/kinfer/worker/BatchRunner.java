package dev.kinfer.worker;

import dev.kinfer.schemas.Box;
import dev.kinfer.schemas.Classification;
import dev.kinfer.schemas.Classifications;
import dev.kinfer.schemas.Detection;
import dev.kinfer.schemas.Detections;
import dev.kinfer.schemas.Embedding;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.Point;
import dev.kinfer.schemas.Timings;
import dev.kinfer.schemas.Verification;
import dev.kinfer.store.ContentHash;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.S3Uri;
import dev.kinfer.worker.model.ModelInput;
import dev.kinfer.worker.model.ModelOutput;
import dev.kinfer.worker.model.ModelRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch into its results, in two stages: {@link #infer} (the model's thread) and {@link #complete}
 * (outputs stored concurrently under keys derived from the request id, while the model runs the next batch).
 * A problem of one request fails that request only: a bad input, a model call that fails on it (found by
 * running the batch in halves), or a store that stays down for longer than the {@link FailurePolicy} retries it.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final ModelVersions versions;
    private final Function<String, Map<String, float[]>> galleries;
    private final ObjectStore store;
    private final WorkerMetrics metrics;
    private final ExecutorService io;
    private final FailurePolicy policy;
    private final Liveness liveness;
    private final String workerId;

    /**
     * @param galleries the faces registered by a tenant, by subject (for the face models; empty for the others)
     */
    BatchRunner(ModelVersions versions, Function<String, Map<String, float[]>> galleries, ObjectStore store, WorkerMetrics metrics,
                ExecutorService io, FailurePolicy policy, Liveness liveness, String workerId) {
        this.versions = versions;
        this.galleries = galleries;
        this.store = store;
        this.metrics = metrics;
        this.io = io;
        this.policy = policy;
        this.liveness = liveness;
        this.workerId = workerId;
    }

    /** What the model stage hands to the output stage: results decided so far, and the model's outputs. */
    record Inferred(List<Job> jobs, InferenceResult[] results, List<Integer> ran, List<ModelOutput> outputs, Instant started,
                    long fetchMs, long inferenceMs) {
    }

    /**
     * The model stage, on the inference thread: expired requests and unusable inputs are decided without the
     * model, the rest run as one model call. Inputs were prefetched, so awaiting them is usually free.
     */
    Inferred infer(List<Job> jobs) {
        Instant started = Instant.now();
        ModelRunner model = jobs.getFirst().model();
        String version = model.manifest().version();
        // Undeployed since these requests were polled: it may be closed already, so it must not run.
        String undeployed = versions.isLoaded(model) ? null : version + " of " + versions.model() + " was undeployed meanwhile";
        InferenceResult[] results = new InferenceResult[jobs.size()];
        List<Integer> runnable = new ArrayList<>();
        List<ModelInput> inputs = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            metrics.startedWaiting(job.enqueuedAt(), started);
            InferenceRequest request = job.request();
            if (isExpired(request, started)) {
                job.inputs().cancel(true);
                results[i] = Results.expired(request, version, timings(request, started, 0, 0, jobs.size()));
                continue;
            }
            if (undeployed != null) {
                job.inputs().cancel(true);
                results[i] = Results.failed(request, version, timings(request, started, 0, 0, jobs.size()),
                        ErrorCodes.UNKNOWN_MODEL_VERSION, undeployed, request.getModelVersion() == null);
                continue;
            }
            try {
                inputs.add(new ModelInput(await(job.inputs()), request.getParams(), galleries.apply(request.getTenant())));
                runnable.add(i);
            } catch (RequestFailure failure) {
                results[i] = Results.failed(request, version, timings(request, started, 0, 0, jobs.size()), failure);
            } catch (RuntimeException e) {
                try (LogContext.Scope scope = LogContext.job(request)) {
                    log.error("request {} could not be prepared for the model", request.getRequestId(), e);
                }
                results[i] = Results.failed(request, version, timings(request, started, 0, 0, jobs.size()), ErrorCodes.INTERNAL_ERROR,
                        "the worker failed on this request: " + e, true);
            }
        }
        Duration fetchTime = Duration.between(started, Instant.now());
        if (runnable.isEmpty()) {
            return new Inferred(jobs, results, List.of(), List.of(), started, fetchTime.toMillis(), 0);
        }
        Instant inferenceStart = Instant.now();
        List<ModelOutput> outputs = runIsolatingFailures(model, inputs);
        Duration inferenceTime = Duration.between(inferenceStart, Instant.now());
        metrics.batch(version, runnable.size(), fetchTime, inferenceTime);
        return new Inferred(jobs, results, runnable, outputs, started, fetchTime.toMillis(), inferenceTime.toMillis());
    }

    /**
     * One model call for the batch; if it throws, the batch runs again in halves until the requests it fails on
     * are alone, so only they fail ({@code model-error}) and the rest of the batch is served.
     */
    private List<ModelOutput> runIsolatingFailures(ModelRunner model, List<ModelInput> inputs) {
        liveness.batchStarted();
        try {
            List<ModelOutput> outputs = model.run(inputs);
            if (outputs.size() != inputs.size()) {
                throw new IllegalStateException("the model gave " + outputs.size() + " outputs for " + inputs.size() + " inputs");
            }
            return outputs;
        } catch (RuntimeException e) {
            if (inputs.size() == 1) {
                log.warn("model {} failed on one request: {}", model.manifest().name(), e.toString());
                return List.of(new ModelOutput.Unservable(ErrorCodes.MODEL_ERROR, "the model failed on this request: " + e.getMessage()));
            }
            log.warn("model {} failed on a batch of {}; running it in halves to find the request(s) it fails on: {}",
                    model.manifest().name(), inputs.size(), e.toString());
        } finally {
            liveness.batchEnded();
        }
        int half = inputs.size() / 2;
        List<ModelOutput> outputs = new ArrayList<>(runIsolatingFailures(model, inputs.subList(0, half)));
        outputs.addAll(runIsolatingFailures(model, inputs.subList(half, inputs.size())));
        return outputs;
    }

    /**
     * A request's result, and what else its transaction writes (a face registration's gallery record).
     */
    record Completion(InferenceResult result, List<ProducerRecord<String, byte[]>> alongside) {
        static Completion of(InferenceResult result) {
            return new Completion(result, List.of());
        }
    }

    /**
     * The output stage, off the inference thread so the model can take the next batch: encodes and stores every
     * output concurrently, then completes the results, in the batch's order.
     */
    List<Completion> complete(Inferred inferred) {
        List<Future<Object>> stored = new ArrayList<>(inferred.ran().size());
        for (int k = 0; k < inferred.ran().size(); k++) {
            String requestId = inferred.jobs().get(inferred.ran().get(k)).request().getRequestId();
            ModelOutput output = inferred.outputs().get(k);
            stored.add(io.submit(() -> store(requestId, output)));
        }
        List<Completion> completions = new ArrayList<>(Arrays.stream(inferred.results()).map(r -> r == null ? null : Completion.of(r)).toList());
        String version = inferred.jobs().getFirst().model().manifest().version();
        for (int k = 0; k < inferred.ran().size(); k++) {
            InferenceRequest request = inferred.jobs().get(inferred.ran().get(k)).request();
            Timings timings = timings(request, inferred.started(), inferred.fetchMs(), inferred.inferenceMs(), inferred.ran().size());
            completions.set(inferred.ran().get(k), completion(request, version, timings, inferred.outputs().get(k), stored.get(k)));
        }
        return completions;
    }

    /** A request's completion once its output is stored; a store that stays down fails this request alone. */
    private Completion completion(InferenceRequest request, String version, Timings timings, ModelOutput output, Future<Object> stored) {
        if (output instanceof ModelOutput.Unservable refused) {
            return Completion.of(Results.failed(request, version, timings, refused.code(), refused.message(), false));
        }
        try {
            Object product = await(stored);
            return output instanceof ModelOutput.Registered face
                    ? new Completion(Results.succeeded(request, version, timings, product),
                            List.of(FaceGallery.registration(request.getTenant(), face.subject(), face.descriptor())))
                    : Completion.of(Results.succeeded(request, version, timings, product));
        } catch (RequestFailure failure) {
            return Completion.of(Results.failed(request, version, timings, failure));
        }
    }

    static boolean isExpired(InferenceRequest request, Instant now) {
        return request.getDeadline() != null && request.getDeadline().isBefore(now);
    }

    private Object store(String requestId, ModelOutput output) {
        return switch (output) {
            case ModelOutput.ImageProduct product -> {
                byte[] png = PngEncoder.encode(product.image());
                S3Uri uri = store.outputUri(requestId, "output.png");
                policy.retrying("put " + uri, () -> {
                    store.put(uri, png, "image/png");
                    return uri;
                });
                yield new ImageOutput(new ImageRef(uri.toString(), ContentHash.sha256(png), "image/png",
                        product.image().getWidth(), product.image().getHeight(), (long) png.length));
            }
            case ModelOutput.VectorProduct vector -> new Embedding(floats(vector.vector()));
            case ModelOutput.Labels labels -> new Classifications(labels.labels().stream()
                    .map(l -> new Classification(l.label(), l.probability())).toList());
            case ModelOutput.Faces faces -> new Detections(faces.faces().stream().map(BatchRunner::detection).toList());
            case ModelOutput.Verified verified -> new Verification(verified.matched(), verified.similarity(), verified.subject());
            case ModelOutput.Registered face -> new Embedding(floats(face.descriptor()));
            case ModelOutput.Unservable refused -> null; // becomes a FAILED result; nothing to store
        };
    }

    private static List<Float> floats(float[] vector) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        return values;
    }

    private static Detection detection(ModelOutput.Face face) {
        List<Point> keypoints = new ArrayList<>(face.keypoints().length / 2);
        for (int k = 0; k < face.keypoints().length; k += 2) {
            keypoints.add(new Point(face.keypoints()[k], face.keypoints()[k + 1]));
        }
        return new Detection(new Box(face.x(), face.y(), face.width(), face.height()), face.score(), keypoints);
    }

    Timings timings(InferenceRequest request, Instant started, long fetchMs, long inferenceMs, int batchSize) {
        long queuedMs = Math.max(0, Duration.between(request.getSubmittedAt(), started).toMillis());
        return new Timings(queuedMs, fetchMs, inferenceMs, batchSize, workerId);
    }

    /**
     * The value of a request's own stage (its inputs, its stored output). What it threw is that request's
     * failure alone; only an {@link Error} (out of memory, say) goes further.
     */
    private static <T> T await(Future<T> stage) {
        try {
            return stage.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RequestFailure failure -> throw failure;
                case Error error -> throw error;
                case Throwable other -> throw new RequestFailure(FailurePolicy.classify(other) == FailurePolicy.Kind.TRANSIENT
                        ? ErrorCodes.DEPENDENCY_UNAVAILABLE : ErrorCodes.INTERNAL_ERROR, other.toString(), true);
            }
        } catch (CancellationException e) {
            throw new RequestFailure(ErrorCodes.INTERNAL_ERROR, "cancelled", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailure(ErrorCodes.INTERNAL_ERROR, "interrupted", true);
        }
    }
}
