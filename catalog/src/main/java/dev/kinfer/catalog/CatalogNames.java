package dev.kinfer.catalog;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What a catalogue record may name. Records come from a topic that anything allowed to produce to it can write,
 * and their names become object-store keys and paths under a worker's cache, so each one must be a single plain
 * path segment, and whatever path it is joined into must stay under its base directory.
 */
public final class CatalogNames {
    /** A file of a model version: one segment, not starting with a dot (so never {@code .} or {@code ..}). */
    public static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");

    private CatalogNames() {
    }

    /**
     * {@code base/segments…}, refused unless every segment is a plain file name and the normalised result stays
     * under {@code base}: the last line of defence if a bad name got past the record's own validation.
     */
    public static Path resolveWithin(Path base, String... segments) {
        Path root = base.toAbsolutePath().normalize();
        Path resolved = root;
        for (String segment : segments) {
            if (segment == null || !FILE_NAME.matcher(segment).matches()) {
                throw new IllegalArgumentException("'" + segment + "' is not a plain file name (expected " + FILE_NAME + ")");
            }
            resolved = resolved.resolve(segment);
        }
        resolved = resolved.normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new IllegalArgumentException(resolved + " is not under " + root);
        }
        return resolved;
    }
}
