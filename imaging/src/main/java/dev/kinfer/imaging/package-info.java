/**
 * The one place kinfer decodes an uploaded image, shared by ingest-api (which refuses what would not decode) and
 * inference-worker (which decodes what ingest-api accepted): both must see the same pixels, upright and in
 * standard colours, or a request accepted at the edge could fail or be read differently by a model.
 */
package dev.kinfer.imaging;
