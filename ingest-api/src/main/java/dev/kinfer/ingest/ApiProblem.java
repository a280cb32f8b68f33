package dev.kinfer.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, answered as {@code application/problem+json} (RFC 9457) with a stable
 * {@code code} clients can branch on.
 */
public final class ApiProblem extends RuntimeException {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final int status;
    private final String code;
    private final String title;

    public ApiProblem(int status, String code, String title, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** A header the answer carries ({@code Retry-After}, {@code WWW-Authenticate}, ...). */
    public ApiProblem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
