package dev.kinfer.catalog;

/**
 * One image a task takes: the upload form's file part of that name, and its place in
 * {@code InferenceRequest.inputs} (the task's inputs in their declared order; an optional one, when sent, follows
 * the required ones).
 *
 * @param name        the file part's name: {@code image}, {@code style} or {@code reference}
 * @param required    whether a request must carry it
 * @param maxCount    how many of it a request may carry
 * @param description one line for users
 */
public record InputSpec(String name, boolean required, int maxCount, String description) {
    public static InputSpec required(String name, String description) {
        return new InputSpec(name, true, 1, description);
    }

    public static InputSpec optional(String name, String description) {
        return new InputSpec(name, false, 1, description);
    }
}
