package dev.kinfer.sink.webhooks;

import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered ({@code KINFER_WEBHOOK_*}, {@code KINFER_CALLBACK_ALLOW}).
 *
 * @param schedule          the waits between attempts
 * @param concurrency       attempts under way at once, in all
 * @param perHost           attempts under way at once to one host
 * @param connectTimeout    to open the connection to the receiver
 * @param responseTimeout   from sending to the response's headers
 * @param totalTimeout      for the whole exchange
 * @param callbackAllowList CIDR ranges callbacks may reach although not public
 */
public record WebhookSettings(RetrySchedule schedule, int concurrency, int perHost, Duration connectTimeout, Duration responseTimeout,
                              Duration totalTimeout, List<String> callbackAllowList) {
    public static final Setting<List<Duration>> RETRY_SCHEDULE = Setting.durations("KINFER_WEBHOOK_RETRY_SCHEDULE")
            .defaultTo(RetrySchedule.DEFAULT)
            .check(delays -> !delays.isEmpty() && delays.stream().allMatch(d -> d.toMillis() >= 1000 && d.toMillis() % 1000 == 0),
                    "must be whole seconds, at least 1s each")
            .doc("The waits between a failed webhook attempt and the next (one retry topic per distinct wait); after the last, "
                    + "the delivery goes to `kinfer.webhooks.dlq`.");
    public static final Setting<Integer> CONCURRENCY = Setting.integer("KINFER_WEBHOOK_CONCURRENCY").defaultTo(32)
            .check(n -> n >= 1, "must be at least 1")
            .doc("Webhook attempts under way at once.");
    public static final Setting<Integer> CONCURRENCY_PER_HOST = Setting.integer("KINFER_WEBHOOK_CONCURRENCY_PER_HOST").defaultTo(8)
            .check(n -> n >= 1, "must be at least 1")
            .doc("Webhook attempts under way at once to one host, so that a slow receiver leaves room for the others.");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("KINFER_WEBHOOK_CONNECT_TIMEOUT")
            .defaultTo(Duration.ofSeconds(5)).doc("How long a webhook attempt may take to connect.");
    public static final Setting<Duration> RESPONSE_TIMEOUT = Setting.duration("KINFER_WEBHOOK_RESPONSE_TIMEOUT")
            .defaultTo(Duration.ofSeconds(10)).doc("How long a webhook receiver may take to answer once the request is sent.");
    public static final Setting<Duration> TOTAL_TIMEOUT = Setting.duration("KINFER_WEBHOOK_TOTAL_TIMEOUT")
            .defaultTo(Duration.ofSeconds(15)).doc("How long a webhook attempt may take in all.");
    public static final Setting<List<String>> CALLBACK_ALLOW = Setting.list("KINFER_CALLBACK_ALLOW").defaultComputed(List::of, "none")
            .doc("CIDR ranges callbacks may reach although not public (loopback, private networks); empty in production.");
    public static final Settings SETTINGS = Settings.of(RETRY_SCHEDULE, CONCURRENCY, CONCURRENCY_PER_HOST, CONNECT_TIMEOUT,
            RESPONSE_TIMEOUT, TOTAL_TIMEOUT, CALLBACK_ALLOW);

    public static WebhookSettings from(Values values) {
        return new WebhookSettings(new RetrySchedule(values.get(RETRY_SCHEDULE)), values.get(CONCURRENCY), values.get(CONCURRENCY_PER_HOST),
                values.get(CONNECT_TIMEOUT), values.get(RESPONSE_TIMEOUT), values.get(TOTAL_TIMEOUT), values.get(CALLBACK_ALLOW));
    }
}
