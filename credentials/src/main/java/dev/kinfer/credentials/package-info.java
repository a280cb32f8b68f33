/** API keys: made here, kept as hashes in {@code kinfer.keys}, checked by every ingest instance. */
package dev.kinfer.credentials;
