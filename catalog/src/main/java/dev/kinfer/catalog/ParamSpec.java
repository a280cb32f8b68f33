package dev.kinfer.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One request parameter a task takes ({@code param.<name>} on the upload form, an entry of
 * {@code InferenceRequest.params} on Kafka), declared once with its type, default, allowed values and doc: the
 * edge checks requests and describes models with it, and workers check with it too, since producers may write
 * to the request topics directly. Values are strings on the wire; numbers may carry surrounding spaces.
 *
 * @param name             the parameter's name
 * @param type             what its values are
 * @param description      one line for users
 * @param defaultValue     what the model uses when the request does not say; null when leaving it out means
 *                         something of its own (told in the description)
 * @param defaultOption    the manifest option that replaces {@code defaultValue} for one model, or null
 * @param minimum          the least value of a number, or null
 * @param minimumExclusive whether {@code minimum} itself is refused
 * @param maximum          the greatest value of a number, or null
 * @param maximumExclusive whether {@code maximum} itself is refused
 * @param values           the values a string may take (compared ignoring case); empty for any
 * @param pattern          what a string may match instead (the whole value); null for none
 * @param expected         how a refusal describes a valid string, when the values and pattern say it badly; or null
 */
public record ParamSpec(String name, Type type, String description, String defaultValue, String defaultOption,
                        Double minimum, boolean minimumExclusive, Double maximum, boolean maximumExclusive,
                        List<String> values, Pattern pattern, String expected) {
    /** Longest part of a refused value a message repeats. */
    private static final int ECHOED = 64;
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    /** Plain decimal notation: no hexadecimal, no {@code NaN}, {@code Infinity} or type suffixes as Java allows. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

    /** The JSON Schema type names, which descriptions use. */
    public enum Type {
        INTEGER, NUMBER, STRING, BOOLEAN, ENUM;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ParamSpec {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static ParamSpec integer(String name, String description) {
        return new ParamSpec(name, Type.INTEGER, description, null, null, null, false, null, false, List.of(), null, null);
    }

    public static ParamSpec number(String name, String description) {
        return new ParamSpec(name, Type.NUMBER, description, null, null, null, false, null, false, List.of(), null, null);
    }

    public static ParamSpec string(String name, String description) {
        return new ParamSpec(name, Type.STRING, description, null, null, null, false, null, false, List.of(), null, null);
    }

    public static ParamSpec bool(String name, String description) {
        return new ParamSpec(name, Type.BOOLEAN, description, null, null, null, false, null, false, List.of(), null, null);
    }

    public static ParamSpec oneOf(String name, String description, String... values) {
        return new ParamSpec(name, Type.ENUM, description, null, null, null, false, null, false, List.of(values), null, null);
    }

    public ParamSpec withDefault(String value) {
        return new ParamSpec(name, type, description, value, defaultOption, minimum, minimumExclusive, maximum, maximumExclusive,
                values, pattern, expected);
    }

    /** The default comes from this manifest option when a model sets it ({@link #defaultFor}). */
    public ParamSpec withDefaultOption(String option) {
        return new ParamSpec(name, type, description, defaultValue, option, minimum, minimumExclusive, maximum, maximumExclusive,
                values, pattern, expected);
    }

    public ParamSpec atLeast(double least) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, least, false, maximum, maximumExclusive,
                values, pattern, expected);
    }

    public ParamSpec above(double bound) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, bound, true, maximum, maximumExclusive,
                values, pattern, expected);
    }

    /** Also how a worker narrows a bound only the loaded model knows (a classifier's number of labels). */
    public ParamSpec atMost(double most) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, minimum, minimumExclusive, most, false,
                values, pattern, expected);
    }

    public ParamSpec below(double bound) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, minimum, minimumExclusive, bound, true,
                values, pattern, expected);
    }

    public ParamSpec withValues(String... allowed) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, minimum, minimumExclusive, maximum, maximumExclusive,
                List.of(allowed), pattern, expected);
    }

    /** A string matching {@code regex} (the whole of it) is valid too; {@code expected} words it for refusals. */
    public ParamSpec matching(String regex, String expected) {
        return new ParamSpec(name, type, description, defaultValue, defaultOption, minimum, minimumExclusive, maximum, maximumExclusive,
                values, Pattern.compile(regex), expected);
    }

    /** The default for a model with these manifest options: its {@link #defaultOption} if it sets it, else the declared one. */
    public String defaultFor(Map<String, String> options) {
        return defaultOption != null && options.containsKey(defaultOption) ? options.get(defaultOption) : defaultValue;
    }

    /** Refuses a value this parameter cannot take, naming the parameter and what it takes. */
    public void check(String value) {
        if (value == null || !valid(value)) {
            throw new InvalidParameterException(name, name + " must be " + expectation() + ", got "
                    + (value == null ? "no value" : "'" + echo(value) + "'"));
        }
    }

    /** A valid value as JSON would carry it: a Long, a Double, a Boolean or the string itself. */
    public Object typed(String value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case INTEGER -> Long.parseLong(value.strip());
            case NUMBER -> Double.parseDouble(value.strip());
            case BOOLEAN -> Boolean.parseBoolean(value.strip());
            case STRING, ENUM -> value;
        };
    }

    /** What a valid value is, in words: "a number greater than 0 and less than 1". */
    public String expectation() {
        return switch (type) {
            case INTEGER -> "a whole number" + range();
            case NUMBER -> "a number" + range();
            case BOOLEAN -> "true or false";
            case ENUM -> "one of " + String.join(", ", values);
            case STRING -> expected != null ? expected
                    : values.isEmpty() ? pattern == null ? "a string" : "a string matching " + pattern.pattern()
                    : "one of " + String.join(", ", values) + (pattern == null ? "" : ", or a string matching " + pattern.pattern());
        };
    }

    private boolean valid(String value) {
        return switch (type) {
            case INTEGER -> INTEGER.matcher(value.strip()).matches() && inRange(Long.parseLong(value.strip()));
            case NUMBER -> DECIMAL.matcher(value.strip()).matches() && inRange(Double.parseDouble(value.strip()));
            case BOOLEAN -> value.strip().equalsIgnoreCase("true") || value.strip().equalsIgnoreCase("false");
            case ENUM -> values.stream().anyMatch(value::equalsIgnoreCase);
            case STRING -> (values.isEmpty() && pattern == null) || values.stream().anyMatch(value::equalsIgnoreCase)
                    || (pattern != null && pattern.matcher(value).matches());
        };
    }

    private boolean inRange(double value) {
        return Double.isFinite(value)
                && (minimum == null || (minimumExclusive ? value > minimum : value >= minimum))
                && (maximum == null || (maximumExclusive ? value < maximum : value <= maximum));
    }

    private String range() {
        String least = minimum == null ? null : bound(minimum);
        String most = maximum == null ? null : bound(maximum);
        if (least != null && most != null && !minimumExclusive && !maximumExclusive) {
            return " from " + least + " to " + most;
        }
        String lower = least == null ? null : (minimumExclusive ? "greater than " : "of at least ") + least;
        String upper = most == null ? null : (maximumExclusive ? "less than " : "of at most ") + most;
        if (lower != null && upper != null) {
            return " " + lower + " and " + upper.replace("of at most", "at most");
        }
        return lower != null ? " " + lower : upper != null ? " " + upper : "";
    }

    /** A bound as users write it: 1, not 1.0. */
    private static String bound(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String echo(String value) {
        return value.length() <= ECHOED ? value : value.substring(0, ECHOED) + "…";
    }
}
