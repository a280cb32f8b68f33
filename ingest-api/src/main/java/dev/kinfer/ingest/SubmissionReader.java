package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a submission, the one place that knows its two shapes: a multipart form (the image in part {@code image},
 * a second in {@code style} or {@code reference}, parameters as {@code param.<name>} fields, {@code callbackUrl},
 * {@code callbackSecretId}, {@code modelVersion}), or a JSON body naming presigned uploads ({@code {"inputs": [{"upload":
 * "..."}], "params": {...}, "callbackUrl": ..., "callbackSecretId": ..., "modelVersion": ...}}). The cheap checks come
 * first, so a bad field costs no image read; images are only read here, not decoded.
 */
final class SubmissionReader {
    private static final String PARAM_PREFIX = "param.";
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> JSON_FIELDS = Set.of("inputs", "params", "callbackUrl", "callbackSecretId", "modelVersion");
    /** A JSON submission names its images; it is small. */
    private static final int MAX_JSON_BYTES = 64 * 1024;
    private static final int MAX_IMAGES = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngestConfig config;
    private final ImageValidator validator;
    private final Uploads uploads;

    SubmissionReader(IngestConfig config, ImageValidator validator, Uploads uploads) {
        this.config = config;
        this.validator = validator;
        this.uploads = uploads;
    }

    /** Reads a submission; a JSON body's uploads are named, not read yet ({@link #withImages}). */
    Submission read(Context ctx) {
        if (ctx.isMultipartFormData()) {
            return fromForm(ctx);
        }
        String type = ctx.contentType();
        if (type != null && type.toLowerCase().startsWith("application/json")) {
            return fromJson(ctx);
        }
        throw new ApiProblem(415, "multipart-required", "Multipart form or JSON required",
                "send the image as a multipart/form-data part named 'image', or a JSON body naming uploads (POST /v1/uploads)");
    }

    private Submission fromForm(Context ctx) {
        UploadForm form = UploadForm.parse(ctx, config.maxFormParts(), config.maxImageBytes());
        List<UploadedFile> images = form.files("image");
        if (images.isEmpty()) {
            throw new ApiProblem(400, "missing-image", "Image missing", "expected a file part named 'image'");
        }
        if (images.size() > 1) {
            throw new ApiProblem(400, "too-many-images", "Too many images", "expected one file part named 'image', got " + images.size());
        }
        List<UploadedFile> files = new ArrayList<>(images);
        List<String> parts = new ArrayList<>(Collections.nCopies(images.size(), "image"));
        for (String second : List.of("style", "reference")) {
            files.addAll(form.files(second));
            parts.addAll(Collections.nCopies(form.files(second).size(), second));
        }
        if (files.size() > MAX_IMAGES) {
            throw new ApiProblem(400, "too-many-images", "Too many images", "expected at most one file part named 'style' or 'reference'");
        }
        String callbackUrl = CallbackUrls.validate(form.field("callbackUrl"));
        String callbackSecretId = CallbackSecrets.secretId(callbackUrl, form.field("callbackSecretId"));
        Map<String, String> params = new TreeMap<>();
        form.fields().forEach((name, values) -> {
            if (name.startsWith(PARAM_PREFIX) && !values.isEmpty()) {
                params.put(name.substring(PARAM_PREFIX.length()), values.getFirst());
            }
        });
        String version = version(form.field("modelVersion"));
        return Submission.of(files.stream().map(this::read).toList(), parts, params, callbackUrl, callbackSecretId, version);
    }

    private Submission fromJson(Context ctx) {
        if (ctx.contentLength() > MAX_JSON_BYTES) {
            throw new ApiProblem(413, "body-too-large", "Body too large", "a JSON submission is at most " + MAX_JSON_BYTES
                    + " bytes: it names uploaded images, it does not carry them");
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyInputStream().readNBytes(MAX_JSON_BYTES + 1));
        } catch (IOException e) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "the body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!JSON_FIELDS.contains(name)) {
                throw new ApiProblem(400, "invalid-json", "Invalid JSON", "unknown field '" + name + "'; expected " + JSON_FIELDS);
            }
        }
        JsonNode inputs = body.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw new ApiProblem(400, "missing-image", "Image missing", "'inputs' must list one or two {\"upload\": \"<uploadId>\"}");
        }
        if (inputs.size() > MAX_IMAGES) {
            throw new ApiProblem(400, "too-many-images", "Too many images", "at most " + MAX_IMAGES + " inputs, got " + inputs.size());
        }
        List<String> uploadIds = new ArrayList<>();
        for (JsonNode input : inputs) {
            if (!input.isObject() || !input.path("upload").isTextual() || input.size() != 1) {
                throw new ApiProblem(400, "invalid-json", "Invalid JSON", "each input is {\"upload\": \"<uploadId>\"}");
            }
            uploadIds.add(input.path("upload").asText());
        }
        Map<String, String> params = new TreeMap<>();
        JsonNode given = body.path("params");
        if (!given.isMissingNode() && !given.isObject()) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "'params' must be an object of names to values");
        }
        given.fields().forEachRemaining(field -> {
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new ApiProblem(400, "invalid-parameter", "Invalid parameter", "parameter '" + field.getKey()
                        + "' must be a string, number or boolean");
            }
            params.put(field.getKey(), field.getValue().asText());
        });
        String callbackUrl = CallbackUrls.validate(text(body, "callbackUrl"));
        String callbackSecretId = CallbackSecrets.secretId(callbackUrl, text(body, "callbackSecretId"));
        String version = version(text(body, "modelVersion"));
        return Submission.naming(uploadIds, params, callbackUrl, callbackSecretId, version);
    }

    /** The submission with its images: a form's as read, a JSON body's read from the uploads it names. */
    Submission withImages(Submission submission, String tenant) {
        if (submission.uploadIds().isEmpty()) {
            return submission;
        }
        return submission.withImages(submission.uploadIds().stream().map(id -> uploads.read(tenant, id)).toList());
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "'" + field + "' must be a string");
        }
        return value.asText();
    }

    /** An optional version pin; the worker says if no such version is deployed. */
    private static String version(String version) {
        if (version == null || version.isBlank()) {
            return null;
        }
        if (!VERSION.matcher(version).matches()) {
            throw new ApiProblem(400, "invalid-model-version", "Invalid model version", "modelVersion must match " + VERSION);
        }
        return version;
    }

    private byte[] read(UploadedFile file) {
        if (file.size() > config.maxImageBytes()) {
            throw validator.tooLarge(file.size());
        }
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ApiProblem(400, "invalid-multipart", "Upload unreadable", e.getMessage());
        }
    }
}
