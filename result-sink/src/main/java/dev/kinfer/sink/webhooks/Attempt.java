package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One try at a delivery: when it was made (epoch ms) and what came of it, the receiver's status code or, when no
 * answer came, the error.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(long at, Integer status, String error) {
    static Attempt answered(long at, int status) {
        return new Attempt(at, status, null);
    }

    static Attempt failed(long at, String error) {
        return new Attempt(at, null, error);
    }
}
