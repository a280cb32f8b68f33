package dev.kinfer.schemas.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/** A service's parsed settings: one typed value per declared {@link Setting} (null where unset and without default). */
public final class Values {
    private final Settings settings;
    private final Map<String, Object> values;
    private final Map<String, SortedMap<String, String>> prefixed;

    Values(Settings settings, Map<String, Object> values, Map<String, SortedMap<String, String>> prefixed) {
        this.settings = settings;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.prefixed = prefixed;
    }

    /** The value of a declared setting: the variable's, else its default, else null. */
    public <T> T get(Setting<T> setting) {
        if (!settings.declares(setting)) {
            throw new IllegalArgumentException(setting.name() + " is not one of these settings");
        }
        @SuppressWarnings("unchecked") T value = (T) values.get(setting.name());
        return value;
    }

    /** The non-blank variables of a declared {@link Prefix}, by variable name, values as given. */
    public SortedMap<String, String> prefixed(String prefix) {
        SortedMap<String, String> variables = prefixed.get(prefix);
        if (variables == null) {
            throw new IllegalArgumentException(prefix + "* is not declared in these settings");
        }
        return Collections.unmodifiableSortedMap(variables);
    }

    /** Every setting and its value, secrets as {@value Setting#HIDDEN}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Setting<?> setting : settings.settings()) {
            text.append(text.isEmpty() ? "" : ", ").append(setting.name()).append('=').append(setting.show(values.get(setting.name())));
        }
        for (Prefix family : settings.prefixes()) {
            prefixed.get(family.prefix()).forEach((variable, value) -> text.append(text.isEmpty() ? "" : ", ").append(variable).append('=')
                    .append(family.secret().test(variable) ? Setting.HIDDEN : Setting.withoutUserInfo(value)));
        }
        return text.toString();
    }
}
