/**
 * The one place kinfer decodes an uploaded image, shared by ingest-api (which refuses what would not decode, as far
 * as {@link dev.kinfer.imaging.ImageDecoder#inspect} tells without decoding a JPEG or PNG) and inference-worker (which
 * decodes what ingest-api accepted): both must see the same image, upright and in standard colours, or a request
 * accepted at the edge could be read differently by a model.
 */
package dev.kinfer.imaging;
