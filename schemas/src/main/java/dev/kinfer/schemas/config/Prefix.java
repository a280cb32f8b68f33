package dev.kinfer.schemas.config;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A family of variables sharing a prefix, each passed through (e.g. {@code KINFER_KAFKA_<PROPERTY>}, a Kafka client
 * property each): documented as one row, every variable checked on its own. Blank variables count as unset; values
 * are kept as given.
 *
 * @param shownName how the documentation names the family, e.g. {@code KINFER_KAFKA_<PROPERTY>}
 * @param prefix    what every variable of the family starts with
 * @param type      the type as documented
 * @param doc       what the variables do (Markdown)
 * @param check     a problem with one variable (its name, its value), if any; the problem is reported after the name
 * @param secret    which variables' values are never shown (by name)
 */
public record Prefix(String shownName, String prefix, String type, String doc, BiFunction<String, String, Optional<String>> check,
                     Predicate<String> secret) {
    public Prefix {
        if (!prefix.startsWith("KINFER_") || !prefix.endsWith("_")) {
            throw new IllegalArgumentException("a prefix is KINFER_..._: " + prefix);
        }
    }
}
