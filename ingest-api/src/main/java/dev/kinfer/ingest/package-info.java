/**
 * The HTTP edge of kinfer: validates an upload strictly, stores the image once under its sha256, produces an
 * {@link dev.kinfer.schemas.InferenceRequest} to the model's topic and answers with the job's id and links.
 */
package dev.kinfer.ingest;
