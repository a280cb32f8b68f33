/** S3-compatible object storage (MinIO in production, S3Proxy on one machine) as kinfer's services use it. */
package dev.kinfer.store;
