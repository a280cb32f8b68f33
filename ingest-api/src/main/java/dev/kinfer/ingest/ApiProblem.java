package dev.kinfer.ingest;

/**
 * A request the API refuses, answered as {@code application/problem+json} (RFC 9457) with a stable
 * {@code code} clients can branch on.
 */
public final class ApiProblem extends RuntimeException {
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
}
