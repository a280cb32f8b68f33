package dev.kinfer.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

class LogContextTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void shouldAcceptTheW3cExample() {
        assertThat(LogContext.traceparent(TRACEPARENT)).isEqualTo(TRACEPARENT);
        assertThat(LogContext.traceparent(" " + TRACEPARENT + " ")).as("surrounding whitespace").isEqualTo(TRACEPARENT);
        assertThat(LogContext.traceId(TRACEPARENT)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",               // no flags
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",            // upper case
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",            // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",            // zero parent id
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",            // a version this code does not know
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",            // the forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",      // trailing fields on version 00
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",             // short trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",            // not hex
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n{\"forged\":1}"})
    void shouldIgnoreAnInvalidTraceparent(String header) {
        assertThat(LogContext.traceparent(header)).isNull();
        assertThat(LogContext.traceId(header)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "req_1.2:3", "A"})
    void shouldKeepASafeRequestId(String header) {
        assertThat(LogContext.requestId(header)).isEqualTo(header);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "-leading-dash", "has space", "new\nline", "quote\"", "{json}", "é", "a/b",
            "0123456789012345678901234567890123456789012345678901234567890123456789"})
    void shouldRefuseAnUnsafeRequestId(String header) {
        assertThat(LogContext.requestId(header)).isNull();
    }

    @Test
    void shouldPutAJobInTheMdcAndPutBackWhatWasThere() {
        MDC.put(LogContext.REQUEST_ID, "http-1");
        MDC.put(LogContext.TENANT, "outer");
        InferenceRequest request = InferenceRequest.newBuilder().setRequestId("job-1").setTenant("acme").setModel("detect-faces")
                .setInputs(List.of()).setSubmittedAt(Instant.EPOCH).setCacheKey("k").setTraceparent(TRACEPARENT).build();

        try (LogContext.Scope scope = LogContext.job(request)) {
            assertThat(MDC.getCopyOfContextMap()).containsAllEntriesOf(Map.of(
                    LogContext.REQUEST_ID, "http-1",
                    LogContext.JOB_ID, "job-1",
                    LogContext.TENANT, "acme",
                    LogContext.MODEL, "detect-faces",
                    LogContext.TRACEPARENT, TRACEPARENT,
                    LogContext.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736"));
        }

        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of(LogContext.REQUEST_ID, "http-1", LogContext.TENANT, "outer"));
    }

    @Test
    void shouldLeaveOutWhatAJobLacksAndAnInvalidTraceparent() {
        try (LogContext.Scope scope = LogContext.job("job-2", "acme", null, "not-a-traceparent")) {
            assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of(LogContext.JOB_ID, "job-2", LogContext.TENANT, "acme"));
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }
}
