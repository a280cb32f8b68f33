package dev.kinfer.sink.webhooks;

import static dev.kinfer.sink.webhooks.CallbackGuardTest.addresses;
import static dev.kinfer.sink.webhooks.TestReceiver.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.sink.webhooks.AttemptResult.Answered;
import dev.kinfer.sink.webhooks.AttemptResult.Failed;
import dev.kinfer.sink.webhooks.AttemptResult.Refused;
import dev.kinfer.sink.webhooks.WebhookClient.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookClientTest {
    private static final Timeouts FAST = new Timeouts(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(3));
    private static final byte[] BODY = "{\"type\":\"job.succeeded\"}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "webhook-id", "msg_1");

    private TestReceiver receiver;
    private WebhookClient loopbackAllowed;

    @BeforeEach
    void start() throws IOException {
        receiver = new TestReceiver();
        loopbackAllowed = new WebhookClient(new CallbackGuard(List.of("127.0.0.0/8")), FAST);
    }

    @AfterEach
    void stop() {
        loopbackAllowed.close();
        receiver.close();
    }

    @Test
    void shouldPostTheBodyWithTheGivenHeaders() {
        receiver.on("/hook", answer(204, Map.of(), ""));

        AttemptResult result = loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY);

        assertThat(result).isEqualTo(new Answered(204, Optional.empty(), ""));
        assertThat(receiver.received()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.body()).isEqualTo(BODY);
            assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
            assertThat(request.headers().getFirst("webhook-id")).isEqualTo("msg_1");
            assertThat(request.headers().getFirst("User-Agent")).isEqualTo("kinfer-webhooks");
        });
    }

    @Test
    void shouldKeepTheStartOfAnErrorBody() {
        receiver.on("/hook", answer(400, Map.of(), "{\"error\":\"unknown event type\"}"));

        assertThat(loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY))
                .isEqualTo(new Answered(400, Optional.empty(), "{\"error\":\"unknown event type\"}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void shouldTakeARedirectAsTheAnswerWithoutFollowingIt(int status) {
        receiver.on("/hook", answer(status, Map.of("Location", receiver.url("/elsewhere").toString()), ""))
                .on("/elsewhere", answer(200, Map.of(), ""));

        AttemptResult result = loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY);

        assertThat(result).isInstanceOfSatisfying(Answered.class, answered -> assertThat(answered.status()).isEqualTo(status));
        assertThat(receiver.received()).extracting(TestReceiver.Received::path).containsExactly("/hook");
    }

    @Test
    void shouldReadRetryAfterInSeconds() {
        receiver.on("/hook", answer(503, Map.of("Retry-After", "120"), ""));

        assertThat(loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY))
                .isEqualTo(new Answered(503, Optional.of(Duration.ofSeconds(120)), ""));
    }

    @Test
    void shouldReadRetryAfterAsAnHttpDate() {
        String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(3600).atZone(ZoneOffset.UTC));
        receiver.on("/hook", answer(429, Map.of("Retry-After", inAnHour), ""));

        AttemptResult result = loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY);

        assertThat(result).isInstanceOfSatisfying(Answered.class, answered -> assertThat(answered.retryAfter())
                .hasValueSatisfying(wait -> assertThat(wait).isBetween(Duration.ofSeconds(3590), Duration.ofSeconds(3600))));
    }

    @Test
    void shouldFailWhenNoResponseComesWithinTheResponseTimeout() {
        receiver.on("/hook", TestReceiver.answerAfter(3_000));
        Timeouts impatient = new Timeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(2));

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of("127.0.0.0/8")), impatient)) {
            long started = System.nanoTime();
            AttemptResult result = client.post(receiver.url("/hook"), HEADERS, BODY);

            assertThat(result).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.error()).contains("timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldStopReadingABodyThatOutlastsTheTotalTimeoutButKeepTheAnswer() {
        receiver.on("/hook", TestReceiver.stallBodyFor(3_000));
        Timeouts impatient = new Timeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(600));

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of("127.0.0.0/8")), impatient)) {
            long started = System.nanoTime();
            AttemptResult result = client.post(receiver.url("/hook"), HEADERS, BODY);

            assertThat(result).isInstanceOfSatisfying(Answered.class, answered -> assertThat(answered.status()).isEqualTo(200));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldReadOnlyTheStartOfAHugeBody() throws Exception {
        long huge = 50L * 1024 * 1024;
        CompletableFuture<Long> written = new CompletableFuture<>();
        receiver.on("/hook", TestReceiver.streaming(huge, written));

        AttemptResult result = loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY);

        assertThat(result).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(200);
            assertThat(answered.bodyStart()).hasSize(WebhookClient.BODY_START_LIMIT);
        });
        assertThat(written.get(2, TimeUnit.SECONDS)).as("bytes the receiver got out before the client hung up").isLessThan(huge);
    }

    @Test
    void shouldFailWhenTheConnectionIsRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        AttemptResult result = loopbackAllowed.post(URI.create("http://127.0.0.1:" + closedPort + "/hook"), HEADERS, BODY);

        assertThat(result).isInstanceOf(Failed.class);
    }

    @Test
    void shouldFailWhenTheHostDoesNotResolve() {
        Resolver nxdomain = host -> {
            throw new UnknownHostException(host);
        };

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of(), nxdomain), FAST)) {
            assertThat(client.post(URI.create("https://nowhere.example/hook"), HEADERS, BODY))
                    .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.error()).contains("nowhere.example"));
        }
    }

    @Test
    void shouldRefuseWhatTheGuardRefusesAndSendNothing() {
        receiver.on("/hook", answer(200, Map.of(), ""));

        try (WebhookClient strict = new WebhookClient(new CallbackGuard(List.of()), FAST)) {
            assertThat(strict.post(receiver.url("/hook"), HEADERS, BODY))
                    .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).contains("127.0.0.1", "loopback"));
            assertThat(strict.post(URI.create("ftp://127.0.0.1:" + receiver.port() + "/hook"), HEADERS, BODY))
                    .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).contains("http or https"));
        }
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void shouldDialOnlyTheAddressItCheckedWhenDnsRebinds() throws Exception {
        receiver.on("/hook", answer(200, Map.of(), ""));
        // The attacker's DNS: a public address for the check, loopback for whoever asks again.
        AtomicInteger lookups = new AtomicInteger();
        Resolver rebinding = host -> addresses(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1");
        URI url = URI.create("http://rebind.test:" + receiver.port() + "/hook");

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of(), rebinding), FAST)) {
            AttemptResult first = client.post(url, HEADERS, BODY);

            assertThat(first).isInstanceOf(Failed.class); // dialled 93.184.216.34, where nothing listens on that port
            assertThat(lookups).hasValue(1);
            assertThat(receiver.received()).isEmpty();

            AttemptResult second = client.post(url, HEADERS, BODY);

            assertThat(second).isInstanceOfSatisfying(Refused.class,
                    refused -> assertThat(refused.reason()).contains("rebind.test", "127.0.0.1"));
            assertThat(lookups).hasValue(2);
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void shouldRefuseWhenTheOneLookupAnswersPrivate() throws Exception {
        receiver.on("/hook", answer(200, Map.of(), ""));
        AtomicInteger lookups = new AtomicInteger();
        Resolver rebinding = host -> addresses(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "93.184.216.34");

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of(), rebinding), FAST)) {
            AttemptResult result = client.post(URI.create("http://rebind.test:" + receiver.port() + "/hook"), HEADERS, BODY);

            assertThat(result).isInstanceOfSatisfying(Refused.class,
                    refused -> assertThat(refused.reason()).contains("rebind.test", "127.0.0.1"));
            assertThat(lookups).hasValue(1);
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void shouldHandTheGuardIpv6LiteralsWithoutBrackets() throws Exception {
        receiver.on("/hook", answer(200, Map.of(), ""));
        List<String> looked = new CopyOnWriteArrayList<>();
        Resolver recording = host -> {
            looked.add(host);
            return addresses("127.0.0.1"); // where the receiver is, whatever the literal says
        };

        try (WebhookClient client = new WebhookClient(new CallbackGuard(List.of("127.0.0.0/8"), recording), FAST)) {
            assertThat(client.post(URI.create("http://[::1]:" + receiver.port() + "/hook"), HEADERS, BODY)).isInstanceOf(Answered.class);
        }
        assertThat(looked).containsExactly("::1");
    }

    @Test
    void shouldRefuseTimeoutsThatCannotAllHold() {
        Duration second = Duration.ofSeconds(1);

        assertThatThrownBy(() -> new Timeouts(Duration.ZERO, second, second)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Timeouts(second, second.negated(), second)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Timeouts(second, second.plusMillis(1), second))
                .hasMessageContaining("response timeout (PT1.001S) exceeds the total timeout (PT1S)");
    }

    @Test
    void shouldServeManyThreadsAtOnce() throws Exception {
        receiver.on("/hook", answer(200, Map.of(), "ok"));

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<AttemptResult>> results = IntStream.range(0, 100)
                    .mapToObj(i -> threads.submit(() -> loopbackAllowed.post(receiver.url("/hook"), HEADERS, BODY)))
                    .toList();
            for (Future<AttemptResult> result : results) {
                assertThat(result.get()).isEqualTo(new Answered(200, Optional.empty(), "ok"));
            }
        }
        assertThat(receiver.received()).hasSize(100);
    }
}
