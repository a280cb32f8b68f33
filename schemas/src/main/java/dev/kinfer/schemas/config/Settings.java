package dev.kinfer.schemas.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The {@code KINFER_*} settings one component or service declares, parsed from an environment in one go:
 * {@link #parse} checks every variable and rule and throws one {@link SettingsException} listing every problem, each
 * naming its variable. A service's list is its components' lists and its own ({@link #and}); the README's table of
 * variables is rendered from these lists ({@link SettingsTable}).
 */
public final class Settings {
    private final List<Setting<?>> settings;
    private final List<Prefix> prefixes;
    private final List<Rule> rules;

    /** A rule across settings, checked once each of {@code involved} parsed; {@code message} says what is wrong. */
    private record Rule(List<Setting<?>> involved, Predicate<Values> holds, String message) {
    }

    private Settings(List<Setting<?>> settings, List<Prefix> prefixes, List<Rule> rules) {
        Map<String, Object> names = new LinkedHashMap<>();
        for (Setting<?> setting : settings) {
            Object before = names.put(setting.name(), setting);
            if (before != null && before != setting) {
                throw new IllegalStateException(setting.name() + " is declared twice");
            }
        }
        this.settings = settings.stream().distinct().toList();
        this.prefixes = prefixes.stream().distinct().toList();
        for (Prefix prefix : this.prefixes) {
            for (Setting<?> setting : this.settings) {
                if (setting.name().startsWith(prefix.prefix())) {
                    throw new IllegalStateException(setting.name() + " falls under the prefix " + prefix.prefix());
                }
            }
        }
        this.rules = rules.stream().distinct().toList();
    }

    public static Settings of(Setting<?>... settings) {
        return new Settings(List.of(settings), List.of(), List.of());
    }

    /** These settings and {@code others}' (a setting declared in several is kept once). */
    public Settings and(Settings... others) {
        List<Setting<?>> allSettings = new ArrayList<>(settings);
        List<Prefix> allPrefixes = new ArrayList<>(prefixes);
        List<Rule> allRules = new ArrayList<>(rules);
        for (Settings other : others) {
            allSettings.addAll(other.settings);
            allPrefixes.addAll(other.prefixes);
            allRules.addAll(other.rules);
        }
        return new Settings(allSettings, allPrefixes, allRules);
    }

    /** These settings and a family of passed-through variables. */
    public Settings and(Prefix prefix) {
        List<Prefix> allPrefixes = new ArrayList<>(prefixes);
        allPrefixes.add(prefix);
        return new Settings(settings, allPrefixes, rules);
    }

    /**
     * These settings and a rule across some of them, e.g. "set exactly one of ...": checked only once each of
     * {@code involved} parsed, and reported as "A, B: message".
     */
    public Settings rule(String message, Predicate<Values> holds, Setting<?>... involved) {
        List<Rule> allRules = new ArrayList<>(rules);
        allRules.add(new Rule(List.of(involved), holds, message));
        for (Setting<?> setting : involved) {
            if (!declares(setting)) {
                throw new IllegalStateException(setting.name() + " is not declared here");
            }
        }
        return new Settings(settings, prefixes, allRules);
    }

    public List<Setting<?>> settings() {
        return settings;
    }

    public List<Prefix> prefixes() {
        return prefixes;
    }

    boolean declares(Setting<?> setting) {
        return settings.contains(setting);
    }

    /**
     * Every declared setting's value in {@code env}, or one exception listing every problem: values that do not
     * parse or break a setting's rule, required variables not set, variables of a {@link Prefix} that are refused,
     * and rules across settings that do not hold.
     */
    public Values parse(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (Setting<?> setting : settings) {
            int before = problems.size();
            Object value = setting.parse(env.get(setting.name()), problems);
            if (problems.size() > before) {
                failed.add(setting.name());
            }
            values.put(setting.name(), value);
        }
        Map<String, SortedMap<String, String>> prefixed = new LinkedHashMap<>();
        for (Prefix family : prefixes) {
            SortedMap<String, String> variables = new TreeMap<>();
            new TreeMap<>(env).forEach((variable, value) -> {
                if (variable.startsWith(family.prefix()) && value != null && !value.isBlank()) {
                    Optional<String> problem = family.check().apply(variable, value);
                    if (problem.isPresent()) {
                        problems.add(variable + ": " + problem.get());
                    } else {
                        variables.put(variable, value);
                    }
                }
            });
            prefixed.put(family.prefix(), variables);
        }
        Values parsed = new Values(this, values, prefixed);
        for (Rule rule : rules) {
            if (rule.involved().stream().noneMatch(setting -> failed.contains(setting.name())) && !rule.holds().test(parsed)) {
                problems.add(rule.involved().stream().map(Setting::name).collect(Collectors.joining(", ")) + ": " + rule.message());
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "Settings" + settings.stream().map(Setting::name).toList()
                + (prefixes.isEmpty() ? "" : " and " + prefixes.stream().map(Prefix::shownName).toList());
    }

}
