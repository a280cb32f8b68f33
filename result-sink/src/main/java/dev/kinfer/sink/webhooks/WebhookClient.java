package dev.kinfer.sink.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Sends webhook attempts: one POST each, answered, failed or refused by the {@link CallbackGuard}, never thrown.
 * Connections go only to addresses the guard checked in the lookup that opened them (the URL's host stays the
 * request's host, so TLS keeps SNI and hostname verification); redirects are answers, not followed, because the
 * place they lead to was never checked. Thread-safe: meant to be shared by every delivery.
 */
public final class WebhookClient implements AutoCloseable {
    /**
     * How long one attempt may take.
     *
     * @param connect  to open the TCP connection to one address
     * @param response from sending until the response headers arrive (connecting, TLS and the request included)
     * @param total    the whole exchange, reading the start of the response body included
     */
    public record Timeouts(Duration connect, Duration response, Duration total) {
        public Timeouts {
            if (!List.of(connect, response, total).stream().allMatch(Duration::isPositive)) {
                throw new IllegalArgumentException("webhook timeouts must be positive: connect " + connect + ", response " + response
                        + ", total " + total);
            }
            if (response.compareTo(total) > 0) {
                throw new IllegalArgumentException("the webhook response timeout (" + response + ") exceeds the total timeout ("
                        + total + ")");
            }
        }
    }

    /** How much of a response body is kept, for the error message; the rest is not read. */
    public static final int BODY_START_LIMIT = 1024;

    private static final String USER_AGENT = "kinfer-webhooks";
    private static final int MAX_CONNECTIONS_PER_RECEIVER = 64;
    // Callback hosts come and go with the jobs: a receiver not called for this long is forgotten.
    private static final long RECEIVER_IDLE_MILLIS = 60_000;

    private final CallbackGuard guard;
    private final Timeouts timeouts;
    private final HttpClient http = new HttpClient();

    public WebhookClient(CallbackGuard guard, Timeouts timeouts) {
        this.guard = guard;
        this.timeouts = timeouts;
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("webhook-client");
        http.setExecutor(threads);
        http.setSocketAddressResolver(new GuardedAddressResolver(guard, threads));
        http.setFollowRedirects(false);
        // A cookie one tenant's receiver sets must not travel with another tenant's delivery.
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        http.setConnectTimeout(timeouts.connect().toMillis());
        http.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_RECEIVER);
        http.setDestinationIdleTimeout(RECEIVER_IDLE_MILLIS);
        LifeCycle.start(http);
    }

    /**
     * POSTs {@code body} to {@code url} and waits for the outcome (at most the total timeout).
     *
     * @param headers sent as given, {@code Content-Type} included
     */
    public AttemptResult post(URI url, Map<String, String> headers, byte[] body) {
        try {
            guard.checkUri(url);
        } catch (CallbackRefusedException e) {
            return new AttemptResult.Refused(e.getMessage());
        }
        Request request = http.newRequest(url)
                .method(HttpMethod.POST)
                .headers(fields -> headers.forEach(fields::put))
                .body(new BytesRequestContent(body))
                .timeout(timeouts.total().toMillis(), TimeUnit.MILLISECONDS);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(timeouts.response().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            return new AttemptResult.Failed("no response within the response timeout (" + timeouts.response().toMillis() + " ms)");
        } catch (ExecutionException e) {
            return failure(e.getCause());
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            return new AttemptResult.Failed("interrupted while waiting for the receiver");
        }
        return new AttemptResult.Answered(response.getStatus(),
                RetryAfter.parse(response.getHeaders().get(HttpHeader.RETRY_AFTER), Instant.now()), bodyStart(listener));
    }

    /** The guard's refusal comes back wrapped in Jetty's failure when it was raised during name resolution. */
    private static AttemptResult failure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CallbackRefusedException refused) {
                return new AttemptResult.Refused(refused.getMessage());
            }
        }
        return new AttemptResult.Failed(failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /**
     * Reads the body's first {@link #BODY_START_LIMIT} bytes; closing the stream then drops the rest (and the
     * connection, if the body went on). The status is the answer: a body that breaks off or outlasts the total
     * timeout leaves it standing.
     */
    private static String bodyStart(InputStreamResponseListener listener) {
        try (InputStream body = listener.getInputStream()) {
            return new String(body.readNBytes(BODY_START_LIMIT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        LifeCycle.stop(http);
    }
}
