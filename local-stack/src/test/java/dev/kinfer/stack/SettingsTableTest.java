package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kinfer.ingest.IngestConfig;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.SettingsTable;
import dev.kinfer.sink.SinkConfig;
import dev.kinfer.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's table of {@code KINFER_*} variables is the one the services' declarations render: change a setting,
 * and this fails with the table to paste between the README's markers (or run it with
 * {@code -Dkinfer.settings.write=true} to have it written there).
 */
class SettingsTableTest {
    static final String BEGIN = "<!-- settings:begin (generated from the services' settings declarations: SettingsTableTest) -->";
    static final String END = "<!-- settings:end -->";

    /** Each service's declared settings, in the order the table names them. */
    static Map<String, Settings> services() {
        Map<String, Settings> services = new LinkedHashMap<>();
        services.put("ingest-api", IngestConfig.SETTINGS);
        services.put("inference-worker", WorkerConfig.SETTINGS);
        services.put("result-sink", SinkConfig.SETTINGS);
        return services;
    }

    @Test
    void shouldDocumentEverySettingInTheReadmeAsDeclared() throws IOException {
        Path readme = Path.of(System.getProperty("kinfer.home", "..")).toAbsolutePath().resolve("README.md");
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("README.md has the marker " + BEGIN).isNotNegative();
        assertThat(end).as("README.md has the marker " + END + " after " + BEGIN).isGreaterThan(begin);
        String expected = SettingsTable.markdown(services());
        String actual = text.substring(begin + BEGIN.length(), end).strip() + "\n";
        if (actual.equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("kinfer.settings.write")) {
            Files.writeString(readme, text.substring(0, begin + BEGIN.length()) + "\n" + expected + text.substring(end));
            return;
        }
        fail("README.md's table of KINFER_* variables is not the one the settings declarations render. Put this between "
                + BEGIN + " and " + END + " (or run this test with -Dkinfer.settings.write=true):\n\n" + expected);
    }

    @Test
    void shouldNameEveryVariableOfTheLocalStackOnce() {
        String table = SettingsTable.markdown(services());
        for (String variable : new String[] {"KINFER_BOOTSTRAP_SERVERS", "KINFER_KAFKA_<PROPERTY>", "KINFER_REGISTRY_URL", "KINFER_S3_ENDPOINT",
                "KINFER_AUTH", "KINFER_MODEL", "KINFER_WEBHOOK_RETRY_SCHEDULE", "KINFER_SERVICE"}) {
            assertThat(table).as(variable).containsOnlyOnce("| `" + variable + "` |");
        }
        assertThat(table).contains("| `KINFER_BOOTSTRAP_SERVERS` | string | 127.0.0.1:9092 | all |")
                .contains("| `KINFER_HTTP_PORT` | integer | 8080 | ingest-api |")
                .contains("| `KINFER_HTTP_PORT` | integer | 8090 | result-sink |")
                .contains("| `KINFER_HTTP_HOST` | string | 127.0.0.1 | ingest-api, result-sink |")
                .contains("| `KINFER_S3_SECRET_KEY` | string, secret | required | all |")
                .contains("| `KINFER_WEBHOOK_RETRY_SCHEDULE` | comma-separated durations (e.g. 5s,5m,2h) | 5s,5m,30m,2h,5h,10h,10h,10h,10h,10h,10h | result-sink |");
    }
}
