/**
 * Tenants' credentials. API keys: made here, kept as hashes in {@code kinfer.keys}, checked by every ingest instance.
 * Webhook signing secrets: made and rotated here, kept in {@code kinfer.webhook-secrets} for result-sink to sign with.
 */
package dev.kinfer.credentials;
