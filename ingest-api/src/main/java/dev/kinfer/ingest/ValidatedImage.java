package dev.kinfer.ingest;

/** An upload that decoded completely as one of the accepted formats. */
record ValidatedImage(byte[] bytes, String sha256, String contentType, int width, int height) {
}
