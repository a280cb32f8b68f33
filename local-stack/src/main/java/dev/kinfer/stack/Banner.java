package dev.kinfer.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code ./kinfer up} prints once everything is ready: where to go next. */
final class Banner {
    /** Where the values of the banner's first lines start: continuation lines are indented as far. */
    private static final String VALUE_INDENT = " ".repeat(19);

    private Banner() {
    }

    static String text(LocalStack stack, StackConfig config) {
        String api = stack.apiUrl();
        String key = stack.apiKey();
        String access = key == null
                ? "AUTHENTICATION IS OFF (--no-auth): anyone who reaches the port can use and administer kinfer"
                : key + "  (admin of tenant '" + DevKey.TENANT + "'; kept in " + config.dataDir().resolve("api-key") + ")";
        String auth = key == null ? "" : "-H 'X-API-Key: " + key + "' ";
        return """

                kinfer is up.

                  web page         %1$s/   (paste the API key, pick a model, drop in photos)
                  API              %1$s   (reference: %1$s/docs)
                  API key          %6$s
                  models           %1$s/v1/models
                  Kafka            %2$s
                  schema registry  %3$s
                  S3               %4$s  (bucket kinfer; keys in %5$s/secrets.properties)
                  data             %5$s
                  logs             %5$s/logs/  (one JSON object per line: requestId, jobId, tenant, traceId, ...)
                  metrics          %8$s

                Remove the background of a photo:

                  curl -s %7$s-F image=@photo.jpg %1$s/v1/models/remove-background/jobs

                then poll the job (the answer has its id) until it is SUCCEEDED and open result.output.image.url:

                  curl -s %7$s%1$s/v1/jobs/<jobId>

                Find the faces in a photo (boxes and eye, nose, mouth and ear keypoints, in the photo's pixels):

                  curl -s %7$s-F image=@photo.jpg -F param.threshold=0.8 %1$s/v1/models/detect-faces/jobs

                Upscale a picture x2 (RDN):

                  curl -s %7$s-F image=@small.png %1$s/v1/models/upscale/jobs

                Are two photos one person?

                  curl -s %7$s-F image=@me.jpg -F reference=@id-card.jpg %1$s/v1/models/verify-face/jobs

                (or register a face with -F param.register=<name>, then send one photo to find who it is)

                Give a photo the colours of a painting (content first, then style):

                  curl -s %7$s-F image=@photo.jpg -F style=@painting.jpg %1$s/v1/models/style-transfer/jobs

                Or in one call, answered with the result: POST %1$s/v1/models/<model>:predict (same form).

                Keys: ./kinfer keys create --tenant <name> [--requests-per-second N] | list | revoke <id>
                Models: ./kinfer models list | deploy <dir with manifest.json> | undeploy <name>[:<version>]
                (workers switch to a new version without a restart; -F modelVersion=<v> pins one).
                Replay: ./kinfer replay --model <name> --from 1h --version <v> sends the last hour's requests to
                version <v>, results on a topic of their own, and compares them with the live results.

                Add -F callbackUrl=http://127.0.0.1:<port>/hook to be called instead: Standard Webhooks, signed with
                the secret in %5$s/webhook-secret (webhook-id, webhook-timestamp, webhook-signature headers).
                Ctrl-C stops everything.
                """.formatted(api, stack.bootstrapServers(), stack.registryUrl(), stack.s3Endpoint(), config.dataDir(), access, auth,
                metrics(stack.apiMetricsUrl(), auth, stack.sinkMetricsUrl(), stack.workerMetricsUrls()));
    }

    /**
     * Every Prometheus endpoint of the stack, one per line, aligned under the banner's values: ingest-api's (which
     * needs an admin's key, shown as a curl command when the stack has one), result-sink's and each worker's.
     */
    static String metrics(String apiMetrics, String auth, String sinkMetrics, Map<String, String> workerMetrics) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("ingest-api", auth.isEmpty() ? apiMetrics : "curl -s " + auth + apiMetrics);
        endpoints.put("result-sink", sinkMetrics);
        workerMetrics.forEach((model, url) -> endpoints.put("worker " + model, url));
        int width = endpoints.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        List<String> lines = new ArrayList<>();
        endpoints.forEach((name, url) -> lines.add(name + " ".repeat(width - name.length()) + url));
        return String.join("\n" + VALUE_INDENT, lines);
    }
}
