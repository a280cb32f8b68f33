package dev.kinfer.catalog;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every task's {@link TaskSpec}, in one place: the manifest's task list, the edge's model descriptions and
 * parameter checks, and the workers' parameter checks all read it.
 */
public final class TaskSpecs {
    public static final String TOP_K = "topK";
    public static final String LANDMARKS = "landmarks";
    public static final String LANDMARKS_68 = "68";
    public static final String THRESHOLD = "threshold";
    public static final String BACKGROUND = "background";
    public static final String ID_PHOTO = "idPhoto";
    public static final String REGISTER = "register";
    public static final String SUBJECT = "subject";

    private static final InputSpec IMAGE = InputSpec.required("image", "the image");
    private static final OutputSpec IMAGE_OUT = new OutputSpec("image", "a PNG image, by a presigned link");
    /** A name in a tenant's face gallery. */
    private static final String SUBJECT_NAME = "[A-Za-z0-9][A-Za-z0-9._@-]{0,127}";
    private static final String SUBJECT_WORDS = "1 to 128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

    public static final TaskSpec CLASSIFY = new TaskSpec("classify", "An image classifier's most probable labels.",
            List.of(InputSpec.required("image", "the image to classify")),
            List.of(ParamSpec.integer(TOP_K, "how many labels to answer, most probable first; at most the model's number of labels")
                    .atLeast(1).withDefault("5").withDefaultOption(TOP_K)),
            new OutputSpec("classifications", "labels with their probabilities, most probable first"), List.of());

    public static final TaskSpec REMOVE_BACKGROUND = new TaskSpec("remove-background",
            "The image at its own size with its background transparent; or on a backdrop, or framed as an ID photo.",
            List.of(InputSpec.required("image", "the photo")),
            List.of(ParamSpec.string(BACKGROUND, "a solid backdrop instead of transparency (white when idPhoto is given and this is not)")
                            .withValues("white", "blue", "red").matching("#[0-9a-fA-F]{6}", "white, blue, red or #RRGGBB"),
                    ParamSpec.string(ID_PHOTO, "frames the head as an ID photo of this print size at 300 dpi, e.g. 35x45mm")
                            .matching("[1-9][0-9]{1,2}x[1-9][0-9]{1,2}mm", "a print size such as 35x45mm (10 to 999 mm a side)")),
            new OutputSpec("image", "a PNG, transparent where the background was unless a backdrop is asked for"), List.of());

    public static final TaskSpec STYLIZE = new TaskSpec("stylize", "The image restyled by an image-to-image network, at its own size.",
            List.of(IMAGE), List.of(), IMAGE_OUT, List.of());

    public static final TaskSpec STYLE_TRANSFER = new TaskSpec("style-transfer", "The content image in the style image's style, at the content's size.",
            List.of(InputSpec.required("image", "the content"), InputSpec.required("style", "the style")),
            List.of(), IMAGE_OUT, List.of());

    public static final TaskSpec UPSCALE = new TaskSpec("upscale", "The image at twice its width and height.",
            List.of(IMAGE), List.of(), IMAGE_OUT, List.of());

    public static final TaskSpec DETECT_FACES = new TaskSpec("detect-faces",
            "The faces in the image: boxes, scores and six keypoints (eyes, nose, mouth, ears) or 68 landmarks in its pixels, best first.",
            List.of(InputSpec.required("image", "the photo")),
            List.of(ParamSpec.number(THRESHOLD, "the least face score reported").above(0).below(1)
                    .withDefault("0.75").withDefaultOption(THRESHOLD),
                    ParamSpec.oneOf(LANDMARKS, "the points given per face: the detector's 6 keypoints, or 68 landmarks (iBUG 300-W"
                            + " order) where the model has a landmark network", "6", LANDMARKS_68).withDefault("6")),
            new OutputSpec("detections", "faces, best first: box, score and landmarks"), List.of());

    public static final TaskSpec EMBED_FACE = new TaskSpec("embed-face", "A 128-number descriptor of a face crop; one person's crops lie close.",
            List.of(InputSpec.required("image", "a face crop")), List.of(),
            new OutputSpec("embedding", "the descriptor"), List.of());

    public static final TaskSpec VERIFY_FACE = new TaskSpec("verify-face",
            "Whether two photos show one person; or, with one photo, register its face, compare it with a registered one, or identify it.",
            List.of(InputSpec.required("image", "a photo with a face"),
                    InputSpec.optional("reference", "a second photo: are they one person?")),
            List.of(ParamSpec.string(REGISTER, "one photo: its face joins the tenant's gallery under this name (answered with its descriptor)")
                            .matching(SUBJECT_NAME, SUBJECT_WORDS),
                    ParamSpec.string(SUBJECT, "one photo: compared with the face registered under this name (without it or register: identified)")
                            .matching(SUBJECT_NAME, SUBJECT_WORDS)),
            new OutputSpec("verification", "matched, the cosine similarity and the subject compared with; with register, an embedding"),
            List.of(Set.of(REGISTER, SUBJECT)));

    public static final TaskSpec SYNTHETIC = new TaskSpec("synthetic",
            "A stand-in for load tests: waits as a model would and answers the image's width, height and batch size.",
            List.of(IMAGE), List.of(), new OutputSpec("embedding", "[width, height, batch size]"), List.of());

    private static final Map<String, TaskSpec> BY_TASK = index(CLASSIFY, REMOVE_BACKGROUND, STYLIZE, STYLE_TRANSFER, UPSCALE,
            DETECT_FACES, EMBED_FACE, VERIFY_FACE, SYNTHETIC);

    private TaskSpecs() {
    }

    /** The task's declaration; an unknown task is a bug (manifests are validated against {@link #tasks()}). */
    public static TaskSpec of(String task) {
        return find(task).orElseThrow(() -> new IllegalArgumentException("no task " + task + "; tasks: " + tasks()));
    }

    /** The task's declaration, or empty for a task this build does not know. */
    public static Optional<TaskSpec> find(String task) {
        return Optional.ofNullable(task == null ? null : BY_TASK.get(task));
    }

    /** The task names, in a stable order. */
    public static Set<String> tasks() {
        return BY_TASK.keySet();
    }

    public static Collection<TaskSpec> all() {
        return BY_TASK.values();
    }

    private static Map<String, TaskSpec> index(TaskSpec... specs) {
        Map<String, TaskSpec> byTask = new LinkedHashMap<>();
        for (TaskSpec spec : specs) {
            byTask.put(spec.task(), spec);
        }
        return Collections.unmodifiableMap(byTask);
    }
}
