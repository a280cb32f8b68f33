package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link KinferClient#submitAll}: one feeding thread submits images while fewer than {@code maxInFlight} jobs are
 * unfinished or unpublished, and otherwise publishes the next ended job, blocking while the subscriber's buffer is
 * full (it holds up to {@code maxInFlight}). So neither a slow model nor a slow subscriber lets more than
 * {@code maxInFlight} jobs be unfinished, or more than as many ended ones wait for the subscriber.
 */
final class BatchSubmission implements Flow.Publisher<Outcome> {
    /** Starts one image's job; throws if it cannot (the image is no image, say). */
    interface Submitter {
        Started submit(byte[] image);
    }

    /** A job under way: its id and its result to come. */
    record Started(String requestId, CompletableFuture<InferenceResult> result) {
    }

    private final Submitter submitter;
    private final Iterator<byte[]> images;
    private final int maxInFlight;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    BatchSubmission(Submitter submitter, Iterator<byte[]> images, int maxInFlight) {
        this.submitter = submitter;
        this.images = images;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Outcome> subscriber) {
        SubmissionPublisher<Outcome> publisher = new SubmissionPublisher<>(ForkJoinPool.commonPool(), maxInFlight);
        publisher.subscribe(subscriber);
        if (!subscribed.compareAndSet(false, true)) {
            publisher.closeExceptionally(new IllegalStateException("a submitAll publisher reads its images once: subscribe once"));
            return;
        }
        Thread.ofVirtual().name("kinfer-submit-all").start(() -> feed(publisher));
    }

    private void feed(SubmissionPublisher<Outcome> publisher) {
        BlockingQueue<Outcome> ended = new LinkedBlockingQueue<>();
        int unpublished = 0;
        long next = 0;
        try {
            while (true) {
                if (unpublished < maxInFlight && publisher.hasSubscribers() && images.hasNext()) {
                    start(next++, images.next(), ended);
                    unpublished++;
                } else if (unpublished > 0) {
                    Outcome outcome = ended.take();
                    unpublished--;
                    publisher.submit(outcome); // blocks while the subscriber's buffer is full
                } else {
                    break;
                }
            }
            publisher.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            publisher.closeExceptionally(e);
        } catch (RuntimeException e) {
            publisher.closeExceptionally(e); // the image source failed: nothing more can be read from it
        }
    }

    private void start(long index, byte[] image, BlockingQueue<Outcome> ended) {
        Started started;
        try {
            started = submitter.submit(image);
        } catch (RuntimeException e) {
            ended.add(new Outcome(index, null, null, e)); // not an image, say: this one fails, the rest go on
            return;
        }
        started.result().whenComplete((done, failure) -> ended.add(new Outcome(index, started.requestId(),
                failure instanceof KinferJobException job ? job.result() : done, failure)));
    }
}
