package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a job's webhook delivery stands, as its job document shows it: published on {@code kinfer.webhooks.status}
 * after every attempt and folded into the job's state.
 *
 * @param state         {@code scheduled}, {@code delivered}, {@code retrying}, {@code dead-lettered}, {@code refused}
 *                      or {@code gone}
 * @param attempts      every attempt so far, oldest first
 * @param nextAttemptAt when the next attempt is due (epoch ms), while {@code retrying}
 * @param reason        why the delivery ended without success, or why the last attempt failed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryStatus(String deliveryId, String state, List<Attempt> attempts, Long nextAttemptAt, String reason) {
    public static final String SCHEDULED = "scheduled";
    public static final String DELIVERED = "delivered";
    public static final String RETRYING = "retrying";
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String REFUSED = "refused";
    public static final String GONE = "gone";

    public DeliveryStatus {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public static DeliveryStatus scheduled(String deliveryId) {
        return new DeliveryStatus(deliveryId, SCHEDULED, List.of(), null, null);
    }
}
