package dev.kinfer.stack;

import dev.kinfer.stack.MultipartForm.Part;
import java.io.ByteArrayOutputStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline as {@code ./kinfer up} starts it (real KRaft broker, S3 server, schema registry, the three
 * services as processes, the real IS-Net model), driven over HTTP and Kafka as a client would.
 */
class PipelineIT {
    private static final Path PHOTOS = TestPhotos.OPENCV;
    private static final String MODEL = "remove-background";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Runs the model whatever the result cache holds: these tests are about the path a new request takes. */
    private static final Map<String, String> NO_CACHE = Map.of("Cache-Control", "no-cache");

    private static LocalStack stack;
    private static Path cacheDir;
    private static Path home;
    private static Path data;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() throws Exception {
        StackConfig config = TestStacks.fresh("it-data");
        home = config.home();
        data = config.dataDir();
        cacheDir = config.cacheDir();
        stack = LocalStack.start(config);

        receiver = WebhookReceiver.accepting();
    }

    @AfterAll
    static void stopStack() {
        if (receiver != null) {
            receiver.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRemoveTheBackgroundOfARealPhotoAndCallTheSignedWebhook() throws Exception {
        byte[] photo = Files.readAllBytes(PHOTOS.resolve("messi5.jpg"));
        String callback = receiver.url("/hook");

        HttpResponse<String> accepted = submit(MODEL, Map.of("callbackUrl", callback), "messi5.jpg", "image/jpeg", photo);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        WebhookReceiver.Delivery delivery = await().atMost(Duration.ofMinutes(2)).until(() -> receiver.forJob(jobId), d -> !d.isEmpty())
                .getFirst();

        WebhookVerification.assertSigned(stack.webhookSecret(), delivery);
        assertThat(delivery.json().path("type").asText()).isEqualTo("job.succeeded");
        JsonNode job = delivery.json().path("data");
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode image = job.path("result").path("output").path("image");
        assertThat(image.path("contentType").asText()).isEqualTo("image/png");

        JsonNode polled = JSON.readTree(get(stack.apiUrl() + "/v1/jobs/" + jobId).body());
        assertThat(polled.path("status").asText()).isEqualTo("SUCCEEDED");
        byte[] png = HTTP.send(HttpRequest.newBuilder(URI.create(polled.at("/result/output/image/url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        BufferedImage cutOut = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(photo));
        assertThat(cutOut.getColorModel().hasAlpha()).isTrue();
        assertThat(cutOut.getWidth()).isEqualTo(original.getWidth());
        assertThat(cutOut.getHeight()).isEqualTo(original.getHeight());
        // The pitch around the player is background: transparent corners, most pixels transparent, the player opaque.
        for (int[] corner : new int[][] {{0, 0}, {cutOut.getWidth() - 1, 0}, {0, cutOut.getHeight() - 1}}) {
            assertThat(alpha(cutOut, corner[0], corner[1])).isLessThan(16);
        }
        double transparent = fractionOfAlpha(cutOut, a -> a < 16);
        double opaque = fractionOfAlpha(cutOut, a -> a > 240);
        assertThat(transparent).isBetween(0.5, 0.97);
        assertThat(opaque).isBetween(0.03, 0.5);
        // the player's shirt, left of the image's centre, is kept with its own colours
        assertThat(alpha(cutOut, 240, 150)).isGreaterThan(240);
        assertThat(cutOut.getRGB(240, 150) & 0xFFFFFF).isEqualTo(original.getRGB(240, 150) & 0xFFFFFF);
    }

    @Test
    void shouldFindTheFaceInAPortraitWithItsKeypointsAndNoneInAFruitBowl() throws Exception {
        byte[] portrait = TestPhotos.astronaut(cacheDir);

        JsonNode faces = finishedJob(submit("detect-faces", Map.of(), "astronaut.png", "image/png", portrait))
                .path("result").path("output");
        JsonNode fruit = finishedJob(submit("detect-faces", Map.of(), "fruits.jpg", "image/jpeg",
                Files.readAllBytes(PHOTOS.resolve("fruits.jpg")))).path("result").path("output");

        assertThat(faces.path("type").asText()).isEqualTo("detections");
        assertThat(faces.path("faces")).as(faces.toString()).hasSize(1);
        JsonNode face = faces.path("faces").get(0);
        JsonNode box = face.path("box");
        double centerX = box.path("x").asDouble() + box.path("width").asDouble() / 2;
        double centerY = box.path("y").asDouble() + box.path("height").asDouble() / 2;
        assertThat(centerX).as("face centre x, in the portrait's pixels").isBetween(195.0, 255.0);
        assertThat(centerY).as("face centre y").isBetween(100.0, 165.0);
        assertThat(box.path("width").asDouble()).isBetween(60.0, 160.0);
        assertThat(face.path("score").asDouble()).isGreaterThan(0.75);
        JsonNode keypoints = face.path("landmarks");
        assertThat(keypoints).hasSize(6);
        // MediaPipe's order: right eye, left eye, nose tip, mouth centre, right ear, left ear (the subject's sides).
        double eyesY = (keypoints.get(0).path("y").asDouble() + keypoints.get(1).path("y").asDouble()) / 2;
        assertThat(keypoints.get(0).path("x").asDouble()).isLessThan(keypoints.get(1).path("x").asDouble());
        assertThat(eyesY).isLessThan(keypoints.get(2).path("y").asDouble());
        assertThat(keypoints.get(2).path("y").asDouble()).isLessThan(keypoints.get(3).path("y").asDouble());
        assertThat(fruit.path("faces")).as(fruit.toString()).isEmpty();
    }

    /**
     * 68 landmarks per face: face-api's own code in Node, on the crop the worker cuts (the face box squared and widened,
     * whole pixels, 112x112), gives the same points (< 1e-3 of the crop); they fall where a face's parts are.
     */
    @Test
    void shouldPlaceSixtyEightLandmarksAsFaceApiItselfDoes() throws Exception {
        byte[] png = TestPhotos.astronaut(cacheDir);
        JsonNode face = finishedJob(submit("detect-faces", Map.of("param.landmarks", "68"), "astronaut.png", "image/png", png))
                .at("/result/output/faces/0");
        JsonNode points = face.path("landmarks");
        assertThat(points).as(face.toString()).hasSize(68);

        JsonNode box = face.path("box");
        float x = (float) box.path("x").asDouble();
        float y = (float) box.path("y").asDouble();
        float width = (float) box.path("width").asDouble();
        float height = (float) box.path("height").asDouble();
        int side = (int) Math.round(Math.max(width, height) * 1.25);
        int left = (int) Math.round(x + width / 2.0 - side / 2.0);
        int top = (int) Math.round(y + height / 2.0 - side / 2.0);
        BufferedImage crop = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        var g = crop.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(ImageIO.read(new ByteArrayInputStream(png)), 0, 0, 112, 112, left, top, left + side, top + side, null);
        g.dispose();
        float[] reference = faceApiReference(crop, "landmarks", "detect-faces-blazeface-back-256-1.2.0-landmarks-1.7.15");

        double worst = 0;
        for (int k = 0; k < 68; k++) {
            worst = Math.max(worst, Math.abs((points.get(k).path("x").asDouble() - left) / side - reference[2 * k]));
            worst = Math.max(worst, Math.abs((points.get(k).path("y").asDouble() - top) / side - reference[2 * k + 1]));
        }
        assertThat(worst).as("largest difference from face-api's own implementation, in crops").isLessThan(1e-3);
        // iBUG order: jaw 0-16 (left to right in the photo), eyes 36-47 above the nose tip 30, above the mouth 48-67.
        assertThat(points.get(0).path("x").asDouble()).isLessThan(points.get(16).path("x").asDouble());
        assertThat(mean(points, 36, 48, "y")).isLessThan(points.get(30).path("y").asDouble());
        assertThat(points.get(30).path("y").asDouble()).isLessThan(mean(points, 48, 68, "y"));
        assertThat(mean(points, 36, 42, "x")).as("the subject's right eye is on the photo's left").isLessThan(mean(points, 42, 48, "x"));
        assertThat(points.get(8).path("y").asDouble()).as("the chin below the box's middle").isGreaterThan(y + height / 2.0);
    }

    private static double mean(JsonNode points, int from, int to, String axis) {
        double sum = 0;
        for (int k = from; k < to; k++) {
            sum += points.get(k).path(axis).asDouble();
        }
        return sum / (to - from);
    }

    /** Faces of people in general photos, not selfies, against boxes marked by hand (IoU at least 0.5). */
    @Test
    void shouldFindSmallerFacesInPhotosOfPeople() throws Exception {
        // The footballer's face is about 40 px high in 548x342, among a blurred crowd; the short-range model finds none.
        assertFaces("messi5.jpg", List.of(new double[] {220, 90, 38, 44}));
        // Two people: one faces the camera; the other is turned away (his face is not in the picture).
        assertFaces("basketball1.png", List.of(new double[] {64, 97, 38, 39}));
    }

    /**
     * dlib's nine annotated group photos (43 faces, 2 to 7 a photo, some 25 px wide), at threshold 0.45: as many faces
     * found as marked, each marked face found, and 42 of the 43 boxes overlapping the marked one by IoU 0.5 or more.
     * The last (25 px, half turned away, score 0.48: missed at the default 0.5) is boxed tighter than marked: IoU 0.43.
     */
    @Test
    void shouldFindEveryFaceInGroupPhotos() throws Exception {
        List<TestPhotos.GroupPhoto> photos = TestPhotos.groupPhotos(cacheDir);
        assertThat(photos).hasSize(9);
        assertThat(photos.stream().mapToInt(p -> p.faces().size()).sum()).isEqualTo(43);
        List<Double> overlaps = new ArrayList<>();
        for (TestPhotos.GroupPhoto photo : photos) {
            String name = photo.file().getFileName().toString();
            JsonNode faces = finishedJob(submit("detect-faces", Map.of("param.threshold", "0.45"), name, "image/jpeg",
                    Files.readAllBytes(photo.file()))).at("/result/output/faces");
            assertThat(faces).as(name + ": " + faces).hasSize(photo.faces().size());
            for (double[] marked : photo.faces()) {
                double best = 0;
                for (JsonNode face : faces) {
                    best = Math.max(best, iou(marked, box(face)));
                }
                assertThat(best).as(name + ": the face marked at " + Arrays.toString(marked) + " is found").isGreaterThan(0.35);
                overlaps.add(best);
            }
        }
        assertThat(overlaps.stream().filter(iou -> iou >= 0.5).count()).as("faces boxed as marked (IoU >= 0.5) " + overlaps)
                .isGreaterThanOrEqualTo(42);
    }

    /**
     * The 68 landmarks of the group photos' 43 faces against dlib's own predictor's (the examples' landmark files):
     * mean distance over the distance between the eyes (NME). Measured: median 0.068, mean 0.082; a point order or
     * crop gone wrong gives several times that.
     */
    @Test
    void shouldPlaceLandmarksOfGroupPhotosAsDlibsPredictorDoes() throws Exception {
        List<Double> errors = new ArrayList<>();
        for (TestPhotos.GroupPhoto photo : TestPhotos.groupPhotos(cacheDir)) {
            String name = photo.file().getFileName().toString();
            JsonNode faces = finishedJob(submit("detect-faces", Map.of("param.threshold", "0.45", "param.landmarks", "68"), name,
                    "image/jpeg", Files.readAllBytes(photo.file()))).at("/result/output/faces");
            for (int f = 0; f < photo.faces().size(); f++) {
                double[] marked = photo.faces().get(f);
                JsonNode nearest = null;
                for (JsonNode face : faces) {
                    if (nearest == null || centreDistance(marked, box(face)) < centreDistance(marked, box(nearest))) {
                        nearest = face;
                    }
                }
                errors.add(normalisedError(nearest.path("landmarks"), photo.landmarks().get(f)));
            }
        }
        List<Double> sorted = errors.stream().sorted().toList();
        assertThat(sorted).hasSize(43);
        assertThat(sorted.get(21)).as("median NME " + sorted).isLessThan(0.1);
        assertThat(errors.stream().mapToDouble(e -> e).average().orElseThrow()).as("mean NME").isLessThan(0.12);
    }

    private static double centreDistance(double[] a, double[] b) {
        return Math.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2);
    }

    /** Mean point distance over the distance between the eye centres (points 36-41 and 42-47). */
    private static double normalisedError(JsonNode points, double[] reference) {
        assertThat(points).hasSize(68);
        double[] eyes = new double[4];
        for (int k = 36; k < 48; k++) {
            int eye = k < 42 ? 0 : 2;
            eyes[eye] += reference[2 * k] / 6;
            eyes[eye + 1] += reference[2 * k + 1] / 6;
        }
        double sum = 0;
        for (int k = 0; k < 68; k++) {
            sum += Math.hypot(points.get(k).path("x").asDouble() - reference[2 * k], points.get(k).path("y").asDouble() - reference[2 * k + 1]);
        }
        return sum / 68 / Math.hypot(eyes[2] - eyes[0], eyes[3] - eyes[1]);
    }

    private static double[] box(JsonNode face) {
        JsonNode box = face.path("box");
        return new double[] {box.path("x").asDouble(), box.path("y").asDouble(), box.path("width").asDouble(), box.path("height").asDouble()};
    }

    private void assertFaces(String photo, List<double[]> marked) throws Exception {
        JsonNode faces = finishedJob(submit("detect-faces", Map.of(), photo, photo.endsWith(".png") ? "image/png" : "image/jpeg",
                Files.readAllBytes(PHOTOS.resolve(photo)))).at("/result/output/faces");
        assertThat(faces).as(photo + ": " + faces).hasSize(marked.size());
        for (double[] box : marked) {
            assertThat(faces).as(photo + ": a face over " + Arrays.toString(box) + " in " + faces)
                    .anySatisfy(face -> assertThat(iou(box, box(face))).isGreaterThanOrEqualTo(0.5));
        }
    }

    /** Intersection over union of two boxes given as x, y, width, height. */
    private static double iou(double[] a, double[] b) {
        double w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
        double h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
        return w * h / (a[2] * a[3] + b[2] * b[3] - w * h);
    }

    @Test
    void shouldMakeAnIdPhotoWhoseFaceTheDetectorFindsCentredInTheUpperHalf() throws Exception {
        byte[] portrait = TestPhotos.astronaut(cacheDir);

        JsonNode job = finishedJob(submit(MODEL, Map.of("param.idPhoto", "35x45mm", "param.background", "blue"),
                "astronaut.png", "image/png", portrait));

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        byte[] png = HTTP.send(HttpRequest.newBuilder(URI.create(job.at("/result/output/image/url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        BufferedImage photo = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(photo.getWidth()).isEqualTo(413);
        assertThat(photo.getHeight()).isEqualTo(531);
        assertThat(photo.getRGB(3, 3) & 0xFFFFFF).as("the blue backdrop").isEqualTo(0x438EDB);
        JsonNode faces = finishedJob(submit("detect-faces", Map.of(), "id.png", "image/png", png)).at("/result/output/faces");
        assertThat(faces).hasSize(1);
        JsonNode box = faces.get(0).path("box");
        assertThat(box.path("x").asDouble() + box.path("width").asDouble() / 2).as("face centre x").isBetween(413 * 0.4, 413 * 0.6);
        assertThat(box.path("y").asDouble() + box.path("height").asDouble() / 2).as("face centre y").isBetween(531 * 0.2, 531 * 0.55);
        assertThat(box.path("width").asDouble()).as("a face that fills the photo").isGreaterThan(413 * 0.35);
    }

    @Test
    void shouldDescribeAFaceAsFaceApiItselfDoesAndTwoCropsOfItAlike() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(cacheDir)));
        BufferedImage face = scaled(portrait.getSubimage(160, 55, 130, 150), 150, 150);
        BufferedImage shifted = scaled(portrait.getSubimage(166, 60, 126, 146), 150, 150);

        float[] descriptor = embedding(face);
        float[] reference = faceApiReference(face, "recognition", "embed-face-1.7.15");
        float[] other = embedding(shifted);

        assertThat(descriptor).hasSize(128);
        double worst = 0;
        for (int i = 0; i < 128; i++) {
            worst = Math.max(worst, Math.abs(descriptor[i] - reference[i]));
        }
        assertThat(worst).as("largest difference from face-api's own implementation").isLessThan(1e-4);
        assertThat(euclidean(descriptor, other)).as("two crops of one face (face-api's threshold is 0.6)").isLessThan(0.4);
    }

    @Test
    void shouldClassifyAFacesExpressionAsFaceApiItselfDoes() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(cacheDir)));
        BufferedImage smiling = scaled(portrait.getSubimage(165, 60, 120, 120), 112, 112);
        BufferedImage footballer = scaled(ImageIO.read(PHOTOS.resolve("messi5.jpg").toFile()).getSubimage(212, 84, 54, 54), 112, 112);

        for (BufferedImage face : List.of(smiling, footballer)) {
            JsonNode job = finishedJob(submit("classify-expression", Map.of(), "face.png", "image/png", png(face)));
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            JsonNode labels = job.at("/result/output/labels");
            assertThat(labels).as("every expression, most probable first").hasSize(7);
            float[] reference = faceApiReference(face, "expression", "classify-expression-1.7.15");
            List<String> order = List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");
            int top = 0;
            for (int i = 1; i < reference.length; i++) {
                top = reference[i] > reference[top] ? i : top;
            }
            assertThat(labels.get(0).path("label").asText()).as("top-1, as face-api says").isEqualTo(order.get(top));
            for (JsonNode label : labels) {
                assertThat(label.path("probability").asDouble()).as(label.path("label").asText())
                        .isCloseTo(reference[order.indexOf(label.path("label").asText())], offset(1e-3));
            }
        }
        JsonNode smile = finishedJob(submit("classify-expression", Map.of("param.topK", "1"), "face.png", "image/png", png(smiling)));
        assertThat(smile.at("/result/output/labels")).hasSize(1);
        assertThat(smile.at("/result/output/labels/0/label").asText()).as("the astronaut smiles").isEqualTo("happy");
    }

    @Test
    void shouldVerifyOnePersonAcrossPhotosAndTellTwoPeopleApart() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(cacheDir)));
        BufferedImage turned = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        var g = turned.createGraphics();
        g.rotate(Math.toRadians(12), 256, 256);
        g.drawImage(scaled(portrait, 420, 420), 40, 30, null);
        g.dispose();
        // Messi's face in messi5.jpg, too small for the short-range detector as it is: cut out and enlarged.
        BufferedImage messi = ImageIO.read(PHOTOS.resolve("messi5.jpg").toFile());
        BufferedImage messiFace = scaled(messi.getSubimage(175, 40, 120, 120), 360, 360);

        JsonNode same = finishedJob(verify(portrait, turned)).at("/result/output");
        JsonNode different = finishedJob(verify(portrait, messiFace)).at("/result/output");
        JsonNode noFace = finishedJob(verify(portrait, ImageIO.read(PHOTOS.resolve("fruits.jpg").toFile())));

        assertThat(same.path("type").asText()).isEqualTo("verification");
        assertThat(same.path("matched").asBoolean()).as(same.toString()).isTrue();
        assertThat(same.path("similarity").asDouble()).isGreaterThan(0.95);
        assertThat(different.path("matched").asBoolean()).as(different.toString()).isFalse();
        assertThat(noFace.path("status").asText()).isEqualTo("FAILED");
        assertThat(noFace.at("/result/error/code").asText()).isEqualTo("no-face");
    }

    @Test
    void shouldRegisterAFaceThenRecogniseThePersonInAnotherPhoto() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(cacheDir)));
        BufferedImage closer = scaled(portrait.getSubimage(60, 0, 400, 400), 500, 500);
        BufferedImage messiFace = scaled(ImageIO.read(PHOTOS.resolve("messi5.jpg").toFile()).getSubimage(175, 40, 120, 120), 360, 360);

        JsonNode registered = finishedJob(submit("verify-face", Map.of("param.register", "eileen"), "a.png", "image/png", png(portrait)));
        assertThat(registered.path("status").asText()).as(registered.toString()).isEqualTo("SUCCEEDED");
        assertThat(registered.at("/result/output/vector")).hasSize(128);
        // The gallery record commits with the registration; a worker sees it when its gallery reader gets to it.
        JsonNode identified = await().atMost(Duration.ofSeconds(30)).until(
                () -> finishedJob(submit("verify-face", Map.of(), "b.png", "image/png", png(closer))).at("/result/output"),
                output -> output.path("matched").asBoolean());
        JsonNode checked = finishedJob(submit("verify-face", Map.of("param.subject", "eileen"), "b.png", "image/png", png(closer)));
        JsonNode stranger = finishedJob(submit("verify-face", Map.of(), "c.png", "image/png", png(messiFace))).at("/result/output");
        JsonNode unknown = finishedJob(submit("verify-face", Map.of("param.subject", "nobody"), "b.png", "image/png", png(closer)));

        assertThat(identified.path("subject").asText()).isEqualTo("eileen");
        assertThat(checked.at("/result/output/matched").asBoolean()).as(checked.toString()).isTrue();
        assertThat(stranger.path("matched").asBoolean()).as(stranger.toString()).isFalse();
        assertThat(unknown.at("/result/error/code").asText()).isEqualTo("unknown-subject");
    }

    private static HttpResponse<String> verify(BufferedImage first, BufferedImage second) throws Exception {
        return submit("verify-face", Map.of(), List.of(new Part("image", "a.png", "image/png", png(first)),
                new Part("reference", "b.png", "image/png", png(second))));
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static float[] embedding(BufferedImage face) throws Exception {
        JsonNode job = finishedJob(submit("embed-face", Map.of(), "face.png", "image/png", png(face)));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode vector = job.at("/result/output/vector");
        float[] values = new float[vector.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) vector.get(i).asDouble();
        }
        return values;
    }

    /**
     * The same pixels through face-api's own code and weights (tools/face-api-reference.mjs, Node): {@code network}
     * is recognition (a 150x150 crop, from the embed-face model's directory) or expression (112x112).
     */
    private static float[] faceApiReference(BufferedImage face, String network, String modelDirName) throws Exception {
        Path modelDir = cacheDir.resolve("models").resolve(modelDirName);
        Path rgb = Files.createTempFile("face", ".rgb");
        int side = face.getWidth();
        byte[] pixels = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            int p = face.getRGB(i % side, i / side);
            pixels[3 * i] = (byte) (p >> 16);
            pixels[3 * i + 1] = (byte) (p >> 8);
            pixels[3 * i + 2] = (byte) p;
        }
        Files.write(rgb, pixels);
        Process node = new ProcessBuilder("node", home.resolve("tools/face-api-reference.mjs").toString(),
                modelDir.resolve("reference/face-api.esm.js").toString(), modelDir.toString(), rgb.toString(), network)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String printed = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as("node tools/face-api-reference.mjs").isZero();
        JsonNode values = JSON.readTree(printed);
        float[] reference = new float[values.size()];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = (float) values.get(i).asDouble();
        }
        return reference;
    }

    private static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static double euclidean(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    @Test
    void shouldServeAModelDeployedWhileTheStackRuns() throws Exception {
        Path model = Files.createDirectories(data.resolve("deploy-invert"));
        Files.copy(home.resolve("inference-worker/src/test/resources/models/invert.pt"), model.resolve("invert.pt"));
        Files.writeString(model.resolve("manifest.json"), """
                {"name": "invert", "version": "1", "task": "stylize", "engine": "PyTorch", "artifact": "invert.pt", "license": "test"}
                """);
        BufferedImage orange = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        orange.setRGB(3, 2, 0xF08020);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(orange, "png", png);

        assertThat(ModelsCli.run(stack, "deploy", model.toString())).contains("deployed invert:1");
        HttpResponse<String> accepted = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> submit("invert", Map.of(), "orange.png", "image/png", png.toByteArray()), r -> r.statusCode() == 202);
        JsonNode job = finishedJob(accepted);

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        byte[] output = HTTP.send(HttpRequest.newBuilder(URI.create(job.at("/result/output/image/url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        int inverted = ImageIO.read(new ByteArrayInputStream(output)).getRGB(3, 2) & 0xFFFFFF;
        assertThat(inverted >> 16).isCloseTo(0xFF - 0xF0, offset(1));
        assertThat(ModelsCli.run(stack, "list")).contains("invert");
    }

    @Test
    void shouldFailARequestProducedStraightToKafkaWithAParameterTheModelRefusesSayWhyAndCallItsWebhook() throws Exception {
        // The edge refuses such a request (400); a producer writing to the request topic itself gets a FAILED result.
        byte[] portrait = TestPhotos.astronaut(cacheDir);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(portrait));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(portrait));
        String requestId = "kafka-native-" + UUID.randomUUID();
        String topic = "kinfer.requests.detect-faces";
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
        // Parameters are checked before the input is fetched: the image need not be in the store.
        // Its tenant is the producer's to set; the stack's tenant has a webhook secret, so the callback is signed with it.
        InferenceRequest request = InferenceRequest.newBuilder().setRequestId(requestId).setTenant(DevKey.TENANT).setModel("detect-faces")
                .setInputs(List.of(new ImageRef("s3://kinfer/images/" + sha256, sha256, "image/png", image.getWidth(), image.getHeight(),
                        (long) portrait.length)))
                .setParams(Map.of("threshold", "2")).setSubmittedAt(Instant.now()).setCacheKey(requestId)
                .setCallback(new Callback(receiver.url("/hook"), "default")).build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, requestId, new AvroSerializer<InferenceRequest>(registry).serialize(topic, request))).get();
        }

        ConsumerRecord<String, byte[]> record = awaitRecord("kinfer.results", requestId);
        InferenceResult result = new AvroDeserializer<>(registry, InferenceResult.class).deserialize("kinfer.results", record.value());

        assertThat(result.getStatus()).as(result.toString()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getError().getCode()).isEqualTo("invalid-parameter");
        assertThat(result.getError().getMessage()).contains("threshold");
        // No request of it ever reached ingest-api or kinfer.jobs: the callback came to result-sink with the result.
        WebhookReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(requestId), d -> !d.isEmpty())
                .getFirst();
        WebhookVerification.assertSigned(stack.webhookSecret(), delivery);
        assertThat(delivery.json().path("type").asText()).isEqualTo("job.failed");
        JsonNode job = await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(stack.apiUrl() + "/v1/jobs/" + requestId).body()),
                j -> j.at("/webhook/state").asText().equals("delivered"));
        assertThat(job.at("/webhook/deliveryId").asText()).isEqualTo(delivery.id());
        assertThat(job.at("/webhook/attempts/0/status").asInt()).isEqualTo(204);

        HttpResponse<String> redelivered = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/jobs/" + requestId
                + "/webhook:redeliver")).header("X-API-Key", stack.apiKey()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(requestId), d -> d.size() == 2);
        assertThat(receiver.forJob(requestId).get(1).id()).isNotEqualTo(delivery.id());
    }

    @Test
    void shouldDescribeEveryDemoModelWithTheParametersItTakes() throws Exception {
        HttpResponse<String> list = get(stack.apiUrl() + "/v1/models");
        HttpResponse<String> faces = get(stack.apiUrl() + "/v1/models/detect-faces");

        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        Map<String, String> tasks = new TreeMap<>();
        for (JsonNode model : JSON.readTree(list.body()).path("models")) {
            tasks.put(model.path("name").asText(), model.path("task").asText());
        }
        assertThat(tasks).containsAllEntriesOf(Map.of("remove-background", "remove-background", "detect-faces", "detect-faces",
                "style-transfer", "style-transfer", "upscale", "upscale", "embed-face", "embed-face", "verify-face", "verify-face",
                "classify-expression", "classify"));
        List<String> withWeights = List.of("remove-background", "detect-faces", "upscale", "embed-face", "verify-face", "classify-expression");
        for (JsonNode listed : JSON.readTree(list.body()).path("models")) {
            if (withWeights.contains(listed.path("name").asText())) {
                assertThat(listed.at("/versions/0/source").asText()).as("what " + listed.path("name").asText() + " runs")
                        .startsWith("demo with real weights: ").contains("(sha256-pinned)");
            }
        }
        assertThat(JSON.readTree(get(stack.apiUrl() + "/v1/models/style-transfer").body()).at("/versions/0/source").asText())
                .as("a demo without weights says so").startsWith("demo without weights");

        assertThat(faces.statusCode()).as(faces.body()).isEqualTo(200);
        JsonNode model = JSON.readTree(faces.body());
        assertThat(model.path("task").asText()).isEqualTo("detect-faces");
        assertThat(model.path("currentVersion").asText()).isNotBlank();
        assertThat(model.path("versions")).extracting(v -> v.path("version").asText()).contains(model.path("currentVersion").asText());
        assertThat(model.at("/inputs/0/name").asText()).isEqualTo("image");
        assertThat(model.at("/output/type").asText()).isEqualTo("detections");
        assertThat(model.at("/batching/maxBatchSize").asInt()).isPositive();
        assertThat(model.path("workerLive").asBoolean()).isTrue();
        JsonNode threshold = model.path("parameters").get(0);
        assertThat(threshold.path("name").asText()).isEqualTo("threshold");
        assertThat(threshold.path("type").asText()).isEqualTo("number");
        assertThat(threshold.path("default").asDouble()).as("the demo manifest's").isEqualTo(0.5);
        assertThat(threshold.path("exclusiveMinimum").asDouble()).isEqualTo(0.0);
        assertThat(threshold.path("exclusiveMaximum").asDouble()).isEqualTo(1.0);
        assertProblem(get(stack.apiUrl() + "/v1/models/no-such-model"), 404, "unknown-model");
    }

    @Test
    void shouldRefuseABadParameterOrImagePartAtTheEdgeAndPublishNothing() throws Exception {
        long objectsBefore = storedObjects();
        long requestsBefore = requestTopicEnd("detect-faces");
        long styleRequestsBefore = requestTopicEnd("style-transfer");
        byte[] portrait = TestPhotos.astronaut(cacheDir);

        HttpResponse<String> outOfRange = submit("detect-faces", Map.of("param.threshold", "7"), "astronaut.png", "image/png", portrait);
        HttpResponse<String> unknown = submit("detect-faces", Map.of("param.nope", "1"), "astronaut.png", "image/png", portrait);
        HttpResponse<String> reference = submit("detect-faces", Map.of(), List.of(new Part("image", "a.png", "image/png", portrait),
                new Part("reference", "b.png", "image/png", portrait)));
        HttpResponse<String> noStyle = submit("style-transfer", Map.of(), "astronaut.png", "image/png", portrait);

        assertProblem(outOfRange, 400, "invalid-parameter");
        assertThat(JSON.readTree(outOfRange.body()).path("detail").asText()).contains("threshold").contains("'7'");
        assertProblem(unknown, 400, "invalid-parameter");
        assertThat(JSON.readTree(unknown.body()).path("detail").asText()).contains("'nope'").contains("threshold");
        assertProblem(reference, 400, "unknown-part"); // detect-faces takes no reference image
        assertProblem(noStyle, 400, "missing-image");
        assertThat(JSON.readTree(noStyle.body()).path("detail").asText()).contains("'style'");
        assertThat(requestTopicEnd("detect-faces")).isEqualTo(requestsBefore);
        assertThat(requestTopicEnd("style-transfer")).isEqualTo(styleRequestsBefore);
        assertThat(storedObjects()).isEqualTo(objectsBefore);
    }

    @Test
    void shouldTransferTheStylesColoursOntoTheContentAndRefuseAMissingStyle() throws Exception {
        byte[] content = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));
        byte[] style = Files.readAllBytes(PHOTOS.resolve("starry_night.jpg"));

        JsonNode job = finishedJob(submitTwo("style-transfer", content, style));
        HttpResponse<String> withoutStyle = submit("style-transfer", Map.of(), "fruits.jpg", "image/jpeg", content);

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        byte[] png = HTTP.send(HttpRequest.newBuilder(URI.create(job.at("/result/output/image/url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        BufferedImage output = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage fruits = ImageIO.read(new ByteArrayInputStream(content));
        BufferedImage night = ImageIO.read(new ByteArrayInputStream(style));
        assertThat(output.getWidth()).isEqualTo(fruits.getWidth());
        assertThat(output.getHeight()).isEqualTo(fruits.getHeight());
        // Starry Night is blue, the fruit bowl orange: the mean colour moves most of the way to the painting's
        // (not all of it: the statistics are matched in a logarithmic colour space, not in RGB).
        double[] before = meanRgb(fruits);
        double[] target = meanRgb(night);
        double[] after = meanRgb(output);
        assertThat(distance(after, target)).isLessThan(distance(before, target) / 2);
        assertThat(before[2]).as("fruit: blue below red").isLessThan(before[0]);
        assertThat(after[2]).as("transferred: blue above red").isGreaterThan(after[0]);
        assertProblem(withoutStyle, 400, "missing-image"); // refused at the edge: the task needs a 'style' part
    }

    private static double distance(double[] a, double[] b) {
        return Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
    }

    private static double[] meanRgb(BufferedImage image) {
        double[] sums = new double[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sums[0] += (rgb >> 16) & 0xFF;
                sums[1] += (rgb >> 8) & 0xFF;
                sums[2] += rgb & 0xFF;
            }
        }
        double pixels = (double) image.getWidth() * image.getHeight();
        return new double[] {sums[0] / pixels, sums[1] / pixels, sums[2] / pixels};
    }

    @Test
    void shouldUpscaleThePackagesSampleToItsOwnReferenceOutputThroughTiles() throws Exception {
        Path reference = cacheDir.resolve("models").resolve("upscale-1.0.0").resolve("reference");
        byte[] fixture = Files.readAllBytes(reference.resolve("fixture.png"));

        JsonNode job = finishedJob(submit("upscale", Map.of(), "fixture.png", "image/png", fixture));

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        byte[] png = HTTP.send(HttpRequest.newBuilder(URI.create(job.at("/result/output/image/url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        BufferedImage output = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage expected = ImageIO.read(reference.resolve("fixture-x2.png").toFile());
        assertThat(output.getWidth()).isEqualTo(256);
        assertThat(output.getHeight()).isEqualTo(256);
        double difference = 0;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    difference += Math.abs(((output.getRGB(x, y) >> shift) & 0xFF) - ((expected.getRGB(x, y) >> shift) & 0xFF));
                }
            }
        }
        assertThat(difference / (256 * 256 * 3)).as("mean absolute difference in levels of 255").isLessThan(1.0);
    }

    /** Polls the job an accepted submission names until it has a result. */
    private static JsonNode finishedJob(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String url = stack.apiUrl() + "/v1/jobs/" + JSON.readTree(accepted.body()).path("jobId").asText();
        return await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get(url).body()), job -> job.has("result"));
    }

    @Test
    void shouldRejectBadUploadsWithProblemDetailsAndWriteNothing() throws Exception {
        long objectsBefore = storedObjects();
        long requestsBefore = requestTopicEnd();
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));

        assertProblem(submit(MODEL, Map.of(), "notes.txt", "image/jpeg", "not an image".getBytes(StandardCharsets.UTF_8)),
                415, "unsupported-image");
        assertProblem(submit(MODEL, Map.of(), "cut.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "corrupt-image");
        assertProblem(submit("no-such-model", Map.of(), "fruits.jpg", "image/jpeg", jpeg), 404, "unknown-model");
        assertProblem(submit(MODEL, Map.of("callbackUrl", "ftp://example.org/x"), "fruits.jpg", "image/jpeg", jpeg),
                400, "invalid-callback-url");
        HttpResponse<String> noFile = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/models/" + MODEL + "/jobs"))
                .header("X-API-Key", stack.apiKey())
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(noFile, 400, "missing-image");
        // A good image with a corrupt second one: refused whole, and the good one is not stored either.
        byte[] unseen = Files.readAllBytes(PHOTOS.resolve("baboon.jpg"));
        assertProblem(submitTwo("style-transfer", unseen, Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "corrupt-image");

        assertThat(storedObjects()).isEqualTo(objectsBefore);
        assertThat(requestTopicEnd()).isEqualTo(requestsBefore);
    }

    @Test
    void shouldDeadLetterAPoisonRecordWithItsOriginAndKeepServing() throws Exception {
        String poisonKey = "poison-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("kinfer.requests." + MODEL, poisonKey, "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
            // result-sink's inputs too: tombstones, garbage and keyless records must stop neither job status nor webhooks.
            for (String topic : List.of("kinfer.jobs", "kinfer.results", "kinfer.webhooks")) {
                producer.send(new ProducerRecord<>(topic, poisonKey, null)).get();
                producer.send(new ProducerRecord<>(topic, null, null)).get();
                producer.send(new ProducerRecord<>(topic, poisonKey, "garbage".getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        ConsumerRecord<String, byte[]> letter = awaitRecord("kinfer.requests." + MODEL + ".dlq", poisonKey);
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{\"not\":\"avro\"}");
        assertThat(header(letter, "__kinfer.errors.topic")).isEqualTo("kinfer.requests." + MODEL);
        assertThat(header(letter, "__kinfer.errors.offset")).matches("\\d+");
        assertThat(header(letter, "__kinfer.errors.exception.message")).contains("magic byte");

        String callback = receiver.url("/hook");
        HttpResponse<String> accepted = submit(MODEL, Map.of("callbackUrl", callback), "baboon.jpg", "image/jpeg",
                Files.readAllBytes(PHOTOS.resolve("baboon.jpg")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> JSON.readTree(get(stack.apiUrl() + "/v1/jobs/" + jobId).body()).path("status").asText(), "SUCCEEDED"::equals);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.forJob(jobId), d -> !d.isEmpty());
    }

    @Test
    void shouldAnswerInOneCallWithTheSameDocumentAsTheJob() throws Exception {
        byte[] portrait = TestPhotos.astronaut(cacheDir);

        HttpResponse<String> answered = post("/v1/models/detect-faces:predict", NO_CACHE, Map.of(),
                List.of(new Part("image", "astronaut.png", "image/png", portrait)));

        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        JsonNode document = JSON.readTree(answered.body());
        assertThat(document.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(document.at("/result/output/faces")).hasSize(1);
        assertThat(document.path("submittedAt").asText()).isNotEmpty();
        String jobId = document.path("jobId").asText();
        JsonNode polled = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get(stack.apiUrl() + "/v1/jobs/" + jobId).body()), job -> job.path("status").asText().equals("SUCCEEDED"));
        assertThat(polled.path("result")).as("the job's document is the one :predict answered").isEqualTo(document.path("result"));
    }

    @Test
    void shouldAnswer202PastTheWaitAndLetTheClientLongPollTheJob() throws Exception {
        HttpResponse<String> accepted = post("/v1/models/detect-faces:predict?timeout=0", NO_CACHE, Map.of(),
                List.of(new Part("image", "messi5.jpg", "image/jpeg", Files.readAllBytes(PHOTOS.resolve("messi5.jpg")))));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String self = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(JSON.readTree(accepted.body()).path("status").asText()).isEqualTo("PENDING");
        // Read-your-writes: right after the 202 the job is known, whatever result-sink has folded in yet.
        assertThat(get(stack.apiUrl() + self).statusCode()).isEqualTo(200);
        HttpResponse<String> finished = get(stack.apiUrl() + self + "?wait=60");
        assertThat(JSON.readTree(finished.body()).path("status").asText()).as(finished.body()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldStreamAJobsStatusUntilItEnds() throws Exception {
        HttpResponse<String> accepted = post("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(),
                List.of(new Part("image", "messi5.jpg", "image/jpeg", Files.readAllBytes(PHOTOS.resolve("messi5.jpg")))));
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();

        HttpResponse<java.util.stream.Stream<String>> events = HTTP.send(HttpRequest.newBuilder(
                URI.create(stack.apiUrl() + "/v1/jobs/" + jobId + "/events")).header("X-API-Key", stack.apiKey())
                .timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofLines());

        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> statuses = events.body().filter(line -> line.startsWith("data:"))
                .map(line -> readStatus(line.substring("data:".length()))).toList(); // the stream ends with the job
        assertThat(statuses).isNotEmpty();
        assertThat(statuses.getLast()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldAnswerARepeatedRequestFromTheResultCacheUnlessAskedNotTo() throws Exception {
        List<Part> baboon = List.of(new Part("image", "baboon.jpg", "image/jpeg", Files.readAllBytes(PHOTOS.resolve("baboon.jpg"))));

        JsonNode first = JSON.readTree(post("/v1/models/detect-faces:predict", Map.of(), baboon).body());
        HttpResponse<String> again = post("/v1/models/detect-faces:predict", Map.of(), baboon);
        HttpResponse<String> asJob = post("/v1/models/detect-faces/jobs", Map.of(), Map.of(), baboon);
        HttpResponse<String> fresh = post("/v1/models/detect-faces:predict", NO_CACHE, Map.of(), baboon);

        assertThat(first.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(first.has("cached")).isFalse();
        JsonNode cached = JSON.readTree(again.body());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(cached.path("cached").asBoolean()).as(again.body()).isTrue();
        assertThat(cached.path("jobId").asText()).as("the job that ran").isEqualTo(first.path("jobId").asText());
        assertThat(cached.path("result")).isEqualTo(first.path("result"));
        assertThat(asJob.statusCode()).as("a cached job is finished at once").isEqualTo(200);
        assertThat(JSON.readTree(asJob.body()).path("cached").asBoolean()).isTrue();
        JsonNode bypassed = JSON.readTree(fresh.body());
        assertThat(bypassed.has("cached")).isFalse();
        assertThat(bypassed.path("jobId").asText()).isNotEqualTo(first.path("jobId").asText());
        assertThat(get(stack.apiUrl() + "/metrics").body()).containsPattern("kinfer_cache_total\\{outcome=\"hit\"} [2-9]");
    }

    @Test
    void shouldCountRequestsAtMetricsByRouteTemplateStatusAndTenantWithKafkaAndJvmMetrics() throws Exception {
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));
        finishedJob(post("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(), List.of(new Part("image", "fruits.jpg", "image/jpeg", jpeg))));
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/jobs/no-key-" + UUID.randomUUID()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);

        HttpResponse<String> metrics = get(stack.apiMetricsUrl());

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("kinfer_http_requests_seconds_bucket\\{method=\"POST\",route=\"/v1/models/\\{model}/jobs\",status=\"202\","
                        + "tenant=\"" + DevKey.TENANT + "\",le=\"[^\"]+\"} [1-9]")
                .contains("kinfer_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"200\",tenant=\"" + DevKey.TENANT + "\"}")
                .as("a refused request: its route's template, no tenant")
                .contains("kinfer_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"401\",tenant=\"none\"}")
                .as("never a raw path").doesNotContain("no-key-")
                .contains("kafka_producer_").contains("kafka_consumer_").contains("jvm_memory_used_bytes");
    }

    @Test
    void shouldServeResultSinksAndEveryWorkersMetrics() throws Exception {
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));
        String jobId = finishedJob(post("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(),
                List.of(new Part("image", "fruits.jpg", "image/jpeg", jpeg)))).path("jobId").asText();
        // result-sink's status route, asked as ingest-api asks it
        HttpRequest status = HttpRequest.newBuilder(URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId + "?tenant=" + DevKey.TENANT))
                .header("X-Request-Id", "pipeline-it-sink").build();
        HttpResponse<String> answered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> HTTP.send(status, HttpResponse.BodyHandlers.ofString()), response -> response.statusCode() == 200);
        assertThat(answered.headers().firstValue("X-Request-Id")).hasValue("pipeline-it-sink");

        HttpResponse<String> sink = get(stack.sinkMetricsUrl());

        assertThat(sink.statusCode()).isEqualTo(200);
        assertThat(sink.body())
                .contains("kinfer_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"200\",tenant=\"" + DevKey.TENANT + "\"}")
                .contains("kafka_stream_").contains("jvm_memory_used_bytes");
        assertThat(stack.workerMetricsUrls()).containsKeys(MODEL, "detect-faces");
        for (Map.Entry<String, String> worker : stack.workerMetricsUrls().entrySet()) {
            HttpResponse<String> metrics = get(worker.getValue());
            assertThat(metrics.statusCode()).as(worker.getKey()).isEqualTo(200);
            assertThat(metrics.body()).as(worker.getKey()).contains("kinfer_queued{model=\"" + worker.getKey() + "\"}")
                    .contains("kafka_consumer_").contains("jvm_memory_used_bytes");
        }
        assertThat(get(stack.workerMetricsUrls().get("detect-faces")).body()).contains("kinfer_results_total{model=\"detect-faces\"");
    }

    @Test
    void shouldCarryTheClientsTraceparentToTheWorkersAndTheSinksJsonLogLines() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
        String requestId = "pipeline-it-" + UUID.randomUUID();
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));

        HttpResponse<String> accepted = post("/v1/models/detect-faces/jobs",
                Map.of("Cache-Control", "no-cache", "traceparent", traceparent, "X-Request-Id", requestId), Map.of(),
                List.of(new Part("image", "fruits.jpg", "image/jpeg", jpeg)));

        assertThat(accepted.headers().firstValue("X-Request-Id")).hasValue(requestId);
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        finishedJob(accepted);
        Path logs = data.resolve("logs");
        JsonNode ingestLine = await().atMost(Duration.ofSeconds(30)).until(() -> logLine(logs.resolve("ingest-api.log"),
                line -> requestId.equals(line.path("requestId").asText())), line -> line != null);
        assertThat(ingestLine.path("tenant").asText()).isEqualTo(DevKey.TENANT);
        assertThat(ingestLine.path("traceparent").asText()).isEqualTo(traceparent);
        assertThat(ingestLine.path("traceId").asText()).isEqualTo(traceId);
        for (Path log : List.of(stack.worker("detect-faces").log(), logs.resolve("result-sink.log"))) {
            JsonNode line = await().atMost(Duration.ofSeconds(30)).until(() -> logLine(log,
                    candidate -> jobId.equals(candidate.path("jobId").asText()) && traceId.equals(candidate.path("traceId").asText())),
                    found -> found != null);
            assertThat(line.path("traceparent").asText()).as(log.toString()).isEqualTo(traceparent);
            assertThat(line.path("tenant").asText()).as(log.toString()).isEqualTo(DevKey.TENANT);
            assertThat(line.path("model").asText()).as(log.toString()).isEqualTo("detect-faces");
            assertThat(line.path("message").asText()).as(log.toString()).contains(jobId);
        }
    }

    /** The first line of a service's log that is a JSON object matching {@code test}, or null. */
    private static JsonNode logLine(Path log, java.util.function.Predicate<JsonNode> test) throws IOException {
        for (String text : Files.readAllLines(log)) {
            if (text.startsWith("{")) {
                JsonNode line = JSON.readTree(text);
                if (test.test(line)) {
                    return line;
                }
            }
        }
        return null;
    }

    private static String readStatus(String json) {
        try {
            return JSON.readTree(json).path("status").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }


    private static HttpResponse<String> submit(String model, Map<String, String> fields, String fileName, String contentType, byte[] file)
            throws IOException, InterruptedException {
        return submit(model, fields, List.of(new Part("image", fileName, contentType, file)));
    }

    private static HttpResponse<String> submitTwo(String model, byte[] content, byte[] style) throws IOException, InterruptedException {
        return submit(model, Map.of(), List.of(new Part("image", "content.jpg", "image/jpeg", content),
                new Part("style", "style.jpg", "image/jpeg", style)));
    }

    /** A submission that runs the model, whatever the result cache holds from another test. */
    private static HttpResponse<String> submit(String model, Map<String, String> fields, List<Part> parts)
            throws IOException, InterruptedException {
        return post("/v1/models/" + model + "/jobs", NO_CACHE, fields, parts);
    }

    private static HttpResponse<String> post(String path, Map<String, String> fields, List<Part> parts)
            throws IOException, InterruptedException {
        return post(path, Map.of(), fields, parts);
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers, Map<String, String> fields, List<Part> parts)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = MultipartForm.post(URI.create(stack.apiUrl() + path), fields, parts).header("X-API-Key", stack.apiKey());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET of the API (with the stack's key) or of a presigned object URL (without: it carries its own signature). */
    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (url.startsWith(stack.apiUrl())) {
            request.header("X-API-Key", stack.apiKey());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    private static int alpha(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) >>> 24;
    }

    private static double fractionOfAlpha(BufferedImage image, java.util.function.IntPredicate test) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (test.test(alpha(image, x, y))) {
                    count++;
                }
            }
        }
        return (double) count / ((long) image.getWidth() * image.getHeight());
    }

    private static long storedObjects() {
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        return StreamSupport.stream(s3.listObjects(ListObjectsArgs.builder().bucket("kinfer").recursive(true).build()).spliterator(), false)
                .count();
    }

    private static long requestTopicEnd() {
        return requestTopicEnd(MODEL);
    }

    private static long requestTopicEnd(String model) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            var partitions = consumer.partitionsFor("kinfer.requests." + model).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            return await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
                return null;
            }, r -> r != null);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "pipeline-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
