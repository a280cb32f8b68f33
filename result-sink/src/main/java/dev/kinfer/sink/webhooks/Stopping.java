package dev.kinfer.sink.webhooks;

/** result-sink is stopping while an attempt waited or ran: nothing is recorded, and the delivery is made after the restart. */
final class Stopping extends RuntimeException {
    Stopping() {
        super("result-sink is stopping", null, false, false);
    }
}
