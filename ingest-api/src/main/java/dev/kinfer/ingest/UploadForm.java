package dev.kinfer.ingest;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;

/**
 * A submission's multipart form, parsed once and checked before anything in it is used: a body Jetty cannot
 * parse is the client's mistake (400 {@code invalid-multipart}), a body cut off at the size limit is 413
 * {@code image-too-large} (told apart by the exception's HTTP code, not its text), more parts than allowed are
 * 400 {@code too-many-fields}, and a file part kinfer does not know (a misspelt {@code image}) is refused rather
 * than ignored.
 */
final class UploadForm {
    static final Set<String> FILE_PARTS = Set.of("image", "style", "reference");

    private final Map<String, List<UploadedFile>> files;
    private final Map<String, List<String>> fields;

    private UploadForm(Map<String, List<UploadedFile>> files, Map<String, List<String>> fields) {
        this.files = files;
        this.fields = fields;
    }

    static UploadForm parse(Context ctx, int maxParts, long maxImageBytes) {
        Map<String, List<UploadedFile>> files;
        int parts;
        try {
            files = ctx.uploadedFileMap();
            parts = ctx.req().getParts().size();
        } catch (Exception e) {
            if (httpCode(e) == 413) {
                throw ImageValidator.tooLarge(maxImageBytes, "the upload is larger than the request size limit");
            }
            throw new ApiProblem(400, "invalid-multipart", "Invalid multipart body",
                    "the body is not a complete multipart/form-data body with the boundary its Content-Type names");
        }
        if (parts > maxParts) {
            throw new ApiProblem(400, "too-many-fields", "Too many form fields",
                    "the form has " + parts + " parts; at most " + maxParts + " are accepted");
        }
        for (String name : files.keySet()) {
            if (!FILE_PARTS.contains(name)) {
                throw new ApiProblem(400, "unknown-part", "Unknown file part",
                        "file part '" + name + "' is not one of " + FILE_PARTS);
            }
        }
        return new UploadForm(files, ctx.formParamMap());
    }

    List<UploadedFile> files(String name) {
        return files.getOrDefault(name, List.of());
    }

    String field(String name) {
        List<String> values = fields.getOrDefault(name, List.of());
        return values.isEmpty() ? null : values.getFirst();
    }

    Map<String, List<String>> fields() {
        return fields;
    }

    /** The innermost HTTP status Jetty attached to the failure (its size limit fails the read with 413), or 0. */
    static int httpCode(Throwable failure) {
        int code = 0;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                code = http.getCode();
            }
        }
        return code;
    }
}
