package dev.kinfer.schemas.config;

import java.util.List;

/**
 * Every problem found in a service's settings at once, each naming its variable (e.g.
 * {@code KINFER_HTTP_PORT: 'abc' is not an integer}); never a secret's value.
 */
public final class SettingsException extends IllegalArgumentException {
    private final List<String> problems;

    public SettingsException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a settings exception lists at least one problem");
        }
        return problems.size() == 1 ? problems.getFirst()
                : problems.size() + " settings are wrong:\n  " + String.join("\n  ", problems);
    }

    /** One line per problem, each starting with the variable(s) it is about. */
    public List<String> problems() {
        return problems;
    }
}
