package dev.kinfer.schemas.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One {@code KINFER_*} environment variable, declared once (in the style of Kafka's {@code ConfigDef}): its name,
 * type, default (or that it is required), the rules its value must follow, what it does, and whether it is a
 * secret. A {@link Settings} list of them parses a service's environment before anything starts.
 *
 * <p>Values are stripped of surrounding white space, and a blank variable counts as unset. A setting without a
 * default that is not {@link #required()} is simply absent ({@link Values#get} answers null) when unset.
 *
 * <p>A setting is immutable: {@link #defaultTo}, {@link #defaultComputed}, {@link #check}, {@link #doc}, {@link #secret()} and {@link #required()}
 * each answer a changed copy.
 *
 * @param <T> what the value is parsed into
 */
public final class Setting<T> {
    /** How a value is shown instead of a secret's. */
    public static final String HIDDEN = "[hidden]";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private final String name;
    private final String type;
    private final Function<String, T> parser;
    private final Function<T, String> format;
    private final Supplier<T> defaultValue;
    private final String shownDefault;
    private final boolean required;
    private final List<Check<T>> checks;
    private final String doc;
    private final boolean secret;

    /** A rule a parsed value must follow; {@code rule} completes "NAME: 'value' ..." (e.g. "must be at least 1"). */
    private record Check<T>(Predicate<T> holds, String rule) {
    }

    private Setting(String name, String type, Function<String, T> parser, Function<T, String> format, Supplier<T> defaultValue,
                    String shownDefault, boolean required, List<Check<T>> checks, String doc, boolean secret) {
        if (!name.matches("KINFER_[A-Z0-9_]+")) {
            throw new IllegalArgumentException("a setting's name is KINFER_ and upper-case letters, digits and _: " + name);
        }
        this.name = name;
        this.type = type;
        this.parser = parser;
        this.format = format;
        this.defaultValue = defaultValue;
        this.shownDefault = shownDefault;
        this.required = required;
        this.checks = List.copyOf(checks);
        this.doc = doc;
        this.secret = secret;
    }

    private static <T> Setting<T> of(String name, String type, Function<String, T> parser, Function<T, String> format) {
        return new Setting<>(name, type, parser, format, null, null, false, List.of(), "", false);
    }

    /** Any text. */
    public static Setting<String> string(String name) {
        return of(name, "string", text -> text, text -> text);
    }

    /** A whole number that fits an {@code int}. */
    public static Setting<Integer> integer(String name) {
        return of(name, "integer", text -> {
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not an integer");
            }
        }, Object::toString);
    }

    /** A whole number that fits a {@code long}. */
    public static Setting<Long> longInteger(String name) {
        return of(name, "integer", text -> {
            try {
                return Long.valueOf(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not an integer");
            }
        }, Object::toString);
    }

    /** A finite decimal number. */
    public static Setting<Double> number(String name) {
        return of(name, "number", text -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a number");
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("is not a finite number");
            }
            return value;
        }, value -> value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString());
    }

    /** {@code on} (true) or {@code off} (false). */
    public static Setting<Boolean> onOff(String name) {
        return of(name, "on/off", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("must be on or off");
        }, value -> value ? "on" : "off");
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> bool(String name) {
        return of(name, "true/false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        }, Object::toString);
    }

    /** A whole number of seconds. */
    public static Setting<Duration> seconds(String name) {
        return of(name, "seconds", text -> {
            try {
                return Duration.ofSeconds(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number of seconds");
            }
        }, value -> Long.toString(value.toSeconds()));
    }

    /** A whole number of milliseconds. */
    public static Setting<Duration> millis(String name) {
        return of(name, "milliseconds", text -> {
            try {
                return Duration.ofMillis(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number of milliseconds");
            }
        }, value -> Long.toString(value.toMillis()));
    }

    /** A span of time written as a whole number and a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 7d}). */
    public static Setting<Duration> duration(String name) {
        return of(name, "duration (e.g. 500ms, 5s, 30m, 2h, 7d)", Setting::parseDuration, Setting::formatDuration);
    }

    /** Comma-separated spans of time, each as {@link #duration} takes it ({@code 5s,5m,2h}). */
    public static Setting<List<Duration>> durations(String name) {
        return of(name, "comma-separated durations (e.g. 5s,5m,2h)",
                text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Setting::parseDuration).toList(),
                items -> items.stream().map(Setting::formatDuration).collect(Collectors.joining(",")));
    }

    private static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("is not a duration: a whole number and ms, s, m, h or d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** The largest unit that writes the span exactly. */
    private static String formatDuration(Duration value) {
        long ms = value.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** An absolute {@code http://} or {@code https://} URL with a host. */
    public static Setting<URI> url(String name) {
        return of(name, "URL", text -> {
            URI uri;
            try {
                uri = new URI(text);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("is not a URL");
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http:// or https:// URL");
            }
            return uri;
        }, URI::toString);
    }

    /** One of a few words, matched exactly. */
    public static Setting<String> choice(String name, String... choices) {
        List<String> allowed = List.of(choices);
        return of(name, "one of " + String.join(", ", allowed), text -> {
            if (!allowed.contains(text)) {
                throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
            }
            return text;
        }, text -> text);
    }

    /** Comma-separated items, each stripped; empty items are dropped. */
    public static Setting<List<String>> list(String name) {
        return of(name, "comma-separated list", text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                items -> String.join(",", items));
    }

    /** A file system path. */
    public static Setting<Path> path(String name) {
        return of(name, "path", text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a path");
            }
        }, Path::toString);
    }

    /** The value when the variable is unset, shown as itself in the documentation. */
    public Setting<T> defaultTo(T value) {
        Objects.requireNonNull(value);
        return defaultComputed(() -> value, format.apply(value));
    }

    /** A default worked out when the environment is parsed (the number of cores, a random id), described by {@code shown}. */
    public Setting<T> defaultComputed(Supplier<T> value, String shown) {
        return new Setting<>(name, type, parser, format, Objects.requireNonNull(value), shown, false, checks, doc, secret);
    }

    /** A default shown with a gloss, e.g. {@code 20971520 (20 MiB)}. */
    public Setting<T> defaultTo(T value, String gloss) {
        Objects.requireNonNull(value);
        return defaultComputed(() -> value, format.apply(value) + " (" + gloss + ")");
    }

    /** The variable must be set (it has no default). */
    public Setting<T> required() {
        return new Setting<>(name, type, parser, format, null, null, true, checks, doc, secret);
    }

    /** A rule every value, set or default, must follow; {@code rule} reads after the value, e.g. "must be at least 1". */
    public Setting<T> check(Predicate<T> holds, String rule) {
        List<Check<T>> more = new ArrayList<>(checks);
        more.add(new Check<>(holds, rule));
        return new Setting<>(name, type, parser, format, defaultValue, shownDefault, required, more, doc, secret);
    }

    /** What the setting does, in a sentence or two of Markdown (the README's table shows it). */
    public Setting<T> doc(String doc) {
        return new Setting<>(name, type, parser, format, defaultValue, shownDefault, required, checks, doc, secret);
    }

    /** Its value is never shown: not in errors, not in {@link Values#toString()}. */
    public Setting<T> secret() {
        return new Setting<>(name, type, parser, format, defaultValue, shownDefault, required, checks, doc, true);
    }

    public String name() {
        return name;
    }

    /** The type as the documentation names it. */
    public String type() {
        return type;
    }

    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return secret;
    }

    public boolean isRequired() {
        return required;
    }

    /** The default as documented: {@code required}, a value, a description of a computed one, or {@code unset}. */
    public String shownDefault() {
        return required ? "required" : shownDefault == null ? "unset" : shownDefault;
    }

    /** A value as shown: {@link #HIDDEN} for a secret. */
    public String show(Object value) {
        if (value == null) {
            return "unset";
        }
        @SuppressWarnings("unchecked") T typed = (T) value;
        return secret ? HIDDEN : withoutUserInfo(format.apply(typed));
    }

    /**
     * This setting's value in {@code env}, or a problem naming the variable (added to {@code problems}, and null
     * answered). The value is quoted in the problem unless the setting is secret; credentials in a URL never are.
     */
    T parse(String raw, List<String> problems) {
        String text = raw == null || raw.isBlank() ? null : raw.strip();
        T value;
        if (text == null) {
            if (required) {
                problems.add(name + ": must be set");
                return null;
            }
            if (defaultValue == null) {
                return null;
            }
            value = defaultValue.get();
        } else {
            try {
                value = parser.apply(text);
            } catch (IllegalArgumentException e) {
                problems.add(problem(text, e.getMessage()));
                return null;
            }
        }
        for (Check<T> check : checks) {
            if (!check.holds().test(value)) {
                problems.add(problem(text == null ? format.apply(value) : text, check.rule()));
                return null;
            }
        }
        return value;
    }

    private String problem(String text, String reason) {
        if (secret) {
            return name + ": the value " + reason;
        }
        String shown = withoutUserInfo(text);
        if (shown.length() > 80) {
            shown = shown.substring(0, 77) + "...";
        }
        return name + ": '" + shown + "' " + reason;
    }

    /** {@code https://user:pw@host/} shown as {@code https://***@host/}. */
    static String withoutUserInfo(String text) {
        return text.replaceAll("(?<=://)[^/@\\s]*@", "***@");
    }

    @Override
    public String toString() {
        return name + " (" + type + ", default " + shownDefault() + ")";
    }
}
