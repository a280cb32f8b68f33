package dev.kinfer.sink;

import dev.kinfer.schemas.LogContext;
import dev.kinfer.sink.webhooks.DeliveryStatus;
import dev.kinfer.sink.webhooks.WebhookDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each job's state in the {@code jobs} store, forwards a job's first webhook delivery when it becomes due, and
 * forgets jobs older than the retention, so that the store (and its changelog) does not grow without end. Each change
 * of a job's status is logged (accepted, then its final status) with the job's id, tenant, model and trace context.
 */
final class JobFolder implements Processor<String, JobEvent, String, WebhookDelivery> {
    private static final Logger log = LoggerFactory.getLogger(JobFolder.class);
    private static final Duration LONGEST_SWEEP_INTERVAL = Duration.ofMinutes(10);

    private final Duration retention;
    private ProcessorContext<String, WebhookDelivery> context;
    private TimestampedKeyValueStore<String, JobState> jobs;

    JobFolder(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, WebhookDelivery> context) {
        this.context = context;
        this.jobs = context.getStateStore(JobTopology.JOBS_STORE);
        // Often enough that a job outlives its retention by a tenth of it at most; a full scan, so not too often.
        Duration interval = retention.dividedBy(10);
        interval = interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : interval.compareTo(LONGEST_SWEEP_INTERVAL) > 0 ? LONGEST_SWEEP_INTERVAL : interval;
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
    }

    @Override
    public void process(Record<String, JobEvent> event) {
        String id = event.key();
        JobState before = ValueAndTimestamp.getValueOrNull(jobs.get(id));
        JobState after = event.value().applyTo(before);
        if (after == null) {
            return;
        }
        if (after.webhookDue()) {
            WebhookDelivery delivery = WebhookDelivery.first(after);
            after = after.emitted().withWebhook(DeliveryStatus.scheduled(delivery.deliveryId()));
            context.forward(event.withValue(delivery));
        }
        jobs.put(id, ValueAndTimestamp.make(after, event.timestamp()));
        logChange(id, before, after);
    }

    private void forgetExpired(long now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<JobState>> all = jobs.all()) {
            while (all.hasNext()) {
                KeyValue<String, ValueAndTimestamp<JobState>> job = all.next();
                if (job.value == null || job.value.value() == null || job.value.value().expired(now, retention)) {
                    expired.add(job.key);
                }
            }
        }
        expired.forEach(jobs::delete);
        if (!expired.isEmpty()) {
            log.info("forgot {} jobs finished more than {} ago", expired.size(), retention);
        }
    }

    private static void logChange(String id, JobState before, JobState after) {
        if (before != null && before.status().equals(after.status())) {
            return;
        }
        try (LogContext.Scope scope = LogContext.job(id, after.tenant(), after.model(), after.traceparent())) {
            log.info(JobState.PENDING.equals(after.status()) ? "job {} accepted" : "job {} " + after.status(), id);
        }
    }
}
