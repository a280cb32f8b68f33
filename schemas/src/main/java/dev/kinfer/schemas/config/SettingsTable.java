package dev.kinfer.schemas.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's table of {@code KINFER_*} variables, rendered from the services' declarations: one row per variable
 * (or per {@link Prefix} family) with its type, default, the services that read it and what it does. A variable that
 * two services declare differently (say, with different defaults) has a row for each.
 */
public final class SettingsTable {
    private SettingsTable() {
    }

    private record Row(String variable, String type, String defaultValue, String doc) {
    }

    /** The Markdown table, rows sorted by variable, for services in the order given (service name to its settings). */
    public static String markdown(Map<String, Settings> services) {
        Map<Row, List<String>> rows = new LinkedHashMap<>();
        services.forEach((service, settings) -> {
            for (Setting<?> setting : settings.settings()) {
                String type = setting.type() + (setting.isSecret() ? ", secret" : "");
                rows.computeIfAbsent(new Row(setting.name(), type, setting.shownDefault(), setting.doc()), row -> new ArrayList<>()).add(service);
            }
            for (Prefix family : settings.prefixes()) {
                rows.computeIfAbsent(new Row(family.shownName(), family.type(), "unset", family.doc()), row -> new ArrayList<>()).add(service);
            }
        });
        StringBuilder table = new StringBuilder("| variable | type | default | services | description |\n| --- | --- | --- | --- | --- |\n");
        rows.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Row, List<String>> entry) -> entry.getKey().variable())
                        .thenComparing(entry -> String.join(",", entry.getValue())))
                .forEach(entry -> {
                    Row row = entry.getKey();
                    List<String> readers = entry.getValue();
                    table.append("| `").append(row.variable()).append("` | ").append(cell(row.type())).append(" | ")
                            .append(cell(row.defaultValue())).append(" | ")
                            .append(readers.size() == services.size() && services.size() > 1 ? "all" : String.join(", ", readers))
                            .append(" | ").append(cell(row.doc())).append(" |\n");
                });
        return table.toString();
    }

    private static String cell(String text) {
        return text.replace("\n", " ").replace("|", "\\|");
    }
}
