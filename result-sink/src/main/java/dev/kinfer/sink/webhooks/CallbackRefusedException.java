package dev.kinfer.sink.webhooks;

/**
 * The callback guard's verdict that a webhook must not be sent, with the reason as message. Final: no retry
 * changes it. It travels through the HTTP client's failure path, and {@link WebhookClient} finds it there.
 */
public final class CallbackRefusedException extends Exception {
    public CallbackRefusedException(String reason) {
        super(reason);
    }
}
