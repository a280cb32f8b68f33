package dev.kinfer.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.InferenceResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSubmissionTest {
    private final ConcurrentLinkedQueue<CompletableFuture<InferenceResult>> unfinished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    private BatchSubmission.Started start(byte[] image) {
        if (image.length == 0) {
            throw new IllegalArgumentException("not an image");
        }
        CompletableFuture<InferenceResult> result = new CompletableFuture<>();
        unfinished.add(result);
        started.incrementAndGet();
        mostAtOnce.accumulateAndGet(unfinished.size(), Math::max);
        return new BatchSubmission.Started("job-" + started.get(), result);
    }

    /** Ends the oldest job, as a worker would, when there is one. */
    private void finishOne() {
        CompletableFuture<InferenceResult> oldest = unfinished.poll();
        if (oldest != null) {
            oldest.complete(null);
        }
    }

    @Test
    void shouldNeverHaveMoreThanMaxInFlightJobsUnfinished() throws Exception {
        List<byte[]> images = IntStream.range(0, 50).mapToObj(i -> new byte[] {1}).toList();
        Collecting subscriber = new Collecting(Long.MAX_VALUE);
        new BatchSubmission(this::start, images.iterator(), 4).subscribe(subscriber);

        while (!subscriber.done.await(5, TimeUnit.MILLISECONDS)) {
            finishOne();
        }

        assertThat(subscriber.outcomes).hasSize(50).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        assertThat(subscriber.outcomes).extracting(Outcome::index).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 50).mapToObj(i -> (long) i).toList());
        assertThat(mostAtOnce.get()).isEqualTo(4);
    }

    @Test
    void shouldStopReadingImagesWhileTheSubscriberTakesNothing() throws Exception {
        List<byte[]> images = IntStream.range(0, 50).mapToObj(i -> new byte[] {1}).toList();
        Collecting subscriber = new Collecting(0); // asks for no outcome
        new BatchSubmission(this::start, images.iterator(), 4).subscribe(subscriber);

        for (int i = 0; i < 100; i++) {
            finishOne();
            Thread.sleep(2);
        }

        // A buffer's worth published but not taken, and maxInFlight more ended and waiting: then reading stops.
        assertThat(started.get()).isLessThan(50).isLessThanOrEqualTo(4 + 4 + 4);
        subscriber.subscription.request(Long.MAX_VALUE);
        while (!subscriber.done.await(5, TimeUnit.MILLISECONDS)) {
            finishOne();
        }
        assertThat(subscriber.outcomes).hasSize(50);
    }

    @Test
    void shouldReportAnImageThatCannotBeSubmittedAndGoOn() throws Exception {
        Collecting subscriber = new Collecting(Long.MAX_VALUE);
        new BatchSubmission(this::start, List.of(new byte[] {1}, new byte[0], new byte[] {1}).iterator(), 2).subscribe(subscriber);

        while (!subscriber.done.await(5, TimeUnit.MILLISECONDS)) {
            finishOne();
        }

        assertThat(subscriber.outcomes).hasSize(3);
        Outcome refused = subscriber.outcomes.stream().filter(o -> o.index() == 1).findFirst().orElseThrow();
        assertThat(refused.failure()).hasMessage("not an image");
        assertThat(refused.requestId()).isNull();
    }

    private static final class Collecting implements Flow.Subscriber<Outcome> {
        final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        final long initialDemand;
        volatile Flow.Subscription subscription;

        Collecting(long initialDemand) {
            this.initialDemand = initialDemand;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (initialDemand > 0) {
                subscription.request(initialDemand);
            }
        }

        @Override
        public void onNext(Outcome item) {
            outcomes.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }
    }
}
