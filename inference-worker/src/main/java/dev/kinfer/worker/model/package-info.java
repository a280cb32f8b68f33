/**
 * Models as the worker runs them: a {@link dev.kinfer.worker.model.ModelManifest} says what an artifact is,
 * {@link dev.kinfer.worker.model.Models} loads it with the right DJL engine and task, and a
 * {@link dev.kinfer.worker.model.ModelRunner} runs a whole batch in one {@code batchPredict} call.
 */
package dev.kinfer.worker.model;
