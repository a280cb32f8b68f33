/** Who is calling: API keys and JWTs turned into a {@link dev.kinfer.ingest.auth.Principal}, and what it may submit. */
package dev.kinfer.ingest.auth;
