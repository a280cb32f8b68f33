package dev.kinfer.schemas;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Every topic kinfer uses, named in one place. Services never spell a topic name themselves.
 */
public final class Topics {
    /** Model names double as topic suffixes, so they are restricted to what is safe in both. */
    public static final Pattern MODEL_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private static final String REQUESTS_PREFIX = "kinfer.requests.";

    /** Request topics only: a model name has no dot, so {@code .dlq} topics never match. */
    public static final Pattern REQUEST_TOPICS = Pattern.compile(Pattern.quote(REQUESTS_PREFIX) + MODEL_NAME.pattern());

    /**
     * Every accepted job's request, keyed by request id. ingest-api writes it in the same transaction as the request
     * itself, and marks that request with {@link #JOB_RECORDED_HEADER}; result-sink copies every other request it
     * finds on a request topic (one produced straight to Kafka) here. So result-sink knows every job, and its callback,
     * from the moment it is accepted, whoever submitted it.
     */
    public static final String JOBS = "kinfer.jobs";

    /** On a request record whose job is already on {@link #JOBS}: result-sink need not copy it there. */
    public static final String JOB_RECORDED_HEADER = "kinfer-job-recorded";

    private static final String REPLAY_RESULTS_PREFIX = "kinfer.results.replay.";

    /** The only topics besides {@link #RESULTS} a request may name as its {@code resultTopic}: a replay run's own. */
    public static final Pattern REPLAY_RESULTS = Pattern.compile(Pattern.quote(REPLAY_RESULTS_PREFIX) + "[A-Za-z0-9_-]{1,64}");

    /**
     * The model catalogue, compacted: one record per deployed model version, keyed {@code <name>:<version>},
     * its value the manifest and where the artifact lies (JSON); a tombstone undeploys the version.
     */
    public static final String MODELS = "kinfer.models";

    /**
     * The API keys, compacted: one record per key, keyed by the key's id, its value the key's tenant, limits and
     * the sha256 of the secret (JSON; never the secret itself); a tombstone revokes the key.
     */
    public static final String KEYS = "kinfer.keys";

    /**
     * The face gallery, compacted: one record per registered person, keyed {@code <tenant>/<subject>}, its value
     * the face descriptor (JSON); written by the face worker in the transaction of the registering request.
     */
    public static final String FACES = "kinfer.faces";

    /** The public result stream, keyed by request id; read it with {@code read_committed}. */
    public static final String RESULTS = "kinfer.results";

    /**
     * Jobs that a worker started ({@code JobStarted}), keyed by request id: sent outside the worker's transaction,
     * best effort, and kept briefly ({@link #PROGRESS_RETENTION}), since it only shows a job running while it runs.
     */
    public static final String PROGRESS = "kinfer.progress";

    public static final Duration PROGRESS_RETENTION = Duration.ofHours(1);

    /**
     * Webhook deliveries due now, keyed by request id: a job's first delivery (from result-sink's job store) and
     * redeliveries asked for over HTTP.
     */
    public static final String WEBHOOKS = "kinfer.webhooks";

    /** Deliveries that ran out of attempts, with every attempt and the last error; keyed by request id. */
    public static final String WEBHOOKS_DLQ = "kinfer.webhooks.dlq";

    /** Each delivery's progress after every attempt, keyed by request id; folded into the job's status. */
    public static final String WEBHOOK_STATUS = "kinfer.webhooks.status";

    /**
     * The tenants' webhook signing secrets, compacted: one record per secret id, keyed {@code <tenant>/<id>}, its
     * value the secret's current and retiring keys (JSON); a tombstone deletes the secret. Readable by kinfer only.
     */
    public static final String WEBHOOK_SECRETS = "kinfer.webhook-secrets";

    private Topics() {
    }

    /** The consumer group every worker of a model consumes its requests in; its members are the model's live workers. */
    public static String workerGroup(String model) {
        return "kinfer-worker-" + model;
    }

    /** The topic a model's requests go to; one per model so that a worker group batches one model. */
    public static String requests(String model) {
        if (!MODEL_NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("not a valid model name: '" + model + "' (expected " + MODEL_NAME + ")");
        }
        return REQUESTS_PREFIX + model;
    }

    /** Where records of {@link #requests(String)} that cannot be read go, with the reason in headers. */
    public static String deadLetters(String model) {
        return requests(model) + ".dlq";
    }

    /**
     * The retry topic for deliveries waiting {@code delay} before their next attempt; one per step of the retry
     * schedule, so that each topic's records come due in the order they were written.
     */
    public static String webhookRetry(Duration delay) {
        return WEBHOOKS + ".retry." + delay.toSeconds() + "s";
    }

    /** Where a replay run's results go: a topic of its own, which no live client reads. */
    public static String replayResults(String run) {
        String topic = REPLAY_RESULTS_PREFIX + run;
        if (!REPLAY_RESULTS.matcher(topic).matches()) {
            throw new IllegalArgumentException("not a valid replay run name: '" + run + "' (letters, digits, _ and -, at most 64)");
        }
        return topic;
    }

    /** The Confluent subject naming strategy kinfer uses ({@code TopicNameStrategy}). */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
