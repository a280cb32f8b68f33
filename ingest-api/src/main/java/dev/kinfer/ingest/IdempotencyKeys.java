package dev.kinfer.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on submissions (the IETF httpapi draft's header): a retry with the same key and the same
 * request gets the first answer again (same job, nothing run twice); the same key with another request is refused
 * 409, and so is a retry while the first is still being accepted. Keys are per tenant and kept for {@code keep}.
 * <p>
 * The job id of a keyed submission is derived from the tenant and key ({@link #jobId}): a retry that reaches
 * another ingest instance, which has no record here, finds the job under that id instead of making a second one.
 */
final class IdempotencyKeys {
    static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private sealed interface Kept {
        String fingerprint();

        Instant since();
    }

    private record InProgress(String fingerprint, Instant since) implements Kept {
    }

    private record Done(String fingerprint, Instant since, Answer answer) implements Kept {
    }

    /** What a keyed submission should do: go on (and {@link #complete} or {@link #release} the key), or answer as before. */
    sealed interface Claim {
        record Fresh(String tenant, String key) implements Claim {
        }

        record Replay(Answer answer) implements Claim {
        }
    }

    private final Clock clock;
    private final Duration keep;
    private final Map<String, Kept> entries;

    IdempotencyKeys(Clock clock, Duration keep, int maxEntries) {
        this.clock = clock;
        this.keep = keep;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The key a client sent, checked: visible ASCII, at most 255 characters. */
    static String validate(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new ApiProblem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                    "an Idempotency-Key is 1 to 255 visible ASCII characters (a UUID, say)");
        }
        return key;
    }

    /** The job id of a submission made with {@code key}: the same on every instance. */
    static String jobId(String tenant, String key) {
        return UUID.nameUUIDFromBytes(("idempotency\n" + tenant + "\n" + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @param fingerprint what makes two submissions the same request (model, version, callback, images, parameters) */
    synchronized Claim claim(String tenant, String key, String fingerprint) {
        String id = tenant + "\n" + key;
        Instant now = clock.instant();
        Kept entry = entries.get(id);
        if (entry != null && entry.since().plus(keep).isBefore(now)) {
            entry = null;
        }
        if (entry == null) {
            entries.put(id, new InProgress(fingerprint, now));
            return new Claim.Fresh(tenant, key);
        }
        if (!entry.fingerprint().equals(fingerprint)) {
            throw new ApiProblem(409, "idempotency-key-reused", "Idempotency-Key reused",
                    "this Idempotency-Key was used for another request; use a new key for a new request");
        }
        if (entry instanceof Done done) {
            return new Claim.Replay(done.answer());
        }
        throw new ApiProblem(409, "idempotency-key-in-use", "Request in progress",
                "a request with this Idempotency-Key is still being accepted; retry in a moment").header("Retry-After", "1");
    }

    synchronized void complete(Claim.Fresh claim, Answer answer) {
        String id = claim.tenant() + "\n" + claim.key();
        if (entries.get(id) instanceof InProgress progress) {
            entries.put(id, new Done(progress.fingerprint(), progress.since(), answer));
        }
    }

    /** The submission was refused: the key is free again, so a corrected retry can use it. */
    synchronized void release(Claim.Fresh claim) {
        entries.remove(claim.tenant() + "\n" + claim.key());
    }
}
