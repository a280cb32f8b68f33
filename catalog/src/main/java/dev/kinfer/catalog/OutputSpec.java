package dev.kinfer.catalog;

/**
 * What a task answers.
 *
 * @param type        the result's {@code output.type} in a job document: {@code classifications}, {@code image},
 *                    {@code detections}, {@code embedding} or {@code verification} (the name of the Avro record
 *                    {@code InferenceResult.output} holds, in lower case)
 * @param description one line for users
 */
public record OutputSpec(String type, String description) {
}
