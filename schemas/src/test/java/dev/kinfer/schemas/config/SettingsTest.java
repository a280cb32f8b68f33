package dev.kinfer.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final Setting<String> NAME = Setting.string("KINFER_T_NAME").defaultTo("kinfer").doc("A name.");
    private static final Setting<Integer> PORT = Setting.integer("KINFER_T_PORT").defaultTo(8080)
            .check(port -> port >= 0 && port <= 65535, "is not a port (0 to 65535)").doc("A port.");
    private static final Setting<Long> BYTES = Setting.longInteger("KINFER_T_BYTES").defaultTo(20L << 20, "20 MiB");
    private static final Setting<Double> RATE = Setting.number("KINFER_T_RATE").defaultTo(0.5);
    private static final Setting<Boolean> AUTH = Setting.onOff("KINFER_T_AUTH").defaultTo(true);
    private static final Setting<Boolean> FLAG = Setting.bool("KINFER_T_FLAG").defaultTo(false);
    private static final Setting<Duration> TTL = Setting.seconds("KINFER_T_TTL").defaultTo(Duration.ofSeconds(30));
    private static final Setting<Duration> DELAY = Setting.millis("KINFER_T_DELAY_MS");
    private static final Setting<URI> URL = Setting.url("KINFER_T_URL").defaultTo(URI.create("http://127.0.0.1:8081"));
    private static final Setting<String> MODE = Setting.choice("KINFER_T_MODE", "fast", "exact").defaultTo("fast");
    private static final Setting<List<String>> ALLOW = Setting.list("KINFER_T_ALLOW").defaultComputed(List::of, "none");
    private static final Setting<Path> DIR = Setting.path("KINFER_T_DIR");
    private static final Setting<String> SECRET = Setting.string("KINFER_T_SECRET").required().secret()
            .check(secret -> secret.length() >= 16, "must be at least 16 characters");
    private static final Settings ALL = Settings.of(NAME, PORT, BYTES, RATE, AUTH, FLAG, TTL, DELAY, URL, MODE, ALLOW, DIR, SECRET);
    private static final Map<String, String> MINIMAL = Map.of("KINFER_T_SECRET", "0123456789abcdef");

    @Test
    void shouldTakeTheDocumentedDefaultsWhenUnset() {
        Values values = ALL.parse(MINIMAL);

        assertThat(values.get(NAME)).isEqualTo("kinfer");
        assertThat(values.get(PORT)).isEqualTo(8080);
        assertThat(values.get(BYTES)).isEqualTo(20L << 20);
        assertThat(values.get(RATE)).isEqualTo(0.5);
        assertThat(values.get(AUTH)).isTrue();
        assertThat(values.get(FLAG)).isFalse();
        assertThat(values.get(TTL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(values.get(DELAY)).isNull();
        assertThat(values.get(URL)).isEqualTo(URI.create("http://127.0.0.1:8081"));
        assertThat(values.get(MODE)).isEqualTo("fast");
        assertThat(values.get(ALLOW)).isEmpty();
        assertThat(values.get(DIR)).isNull();
        assertThat(PORT.shownDefault()).isEqualTo("8080");
        assertThat(BYTES.shownDefault()).isEqualTo("20971520 (20 MiB)");
        assertThat(AUTH.shownDefault()).isEqualTo("on");
        assertThat(ALLOW.shownDefault()).isEqualTo("none");
        assertThat(DIR.shownDefault()).isEqualTo("unset");
        assertThat(SECRET.shownDefault()).isEqualTo("required");
    }

    @Test
    void shouldParseEveryType() {
        Values values = ALL.parse(Map.ofEntries(Map.entry("KINFER_T_NAME", " edge "), Map.entry("KINFER_T_PORT", "0"),
                Map.entry("KINFER_T_BYTES", "5000000000"), Map.entry("KINFER_T_RATE", "2.5"), Map.entry("KINFER_T_AUTH", "off"),
                Map.entry("KINFER_T_FLAG", "true"), Map.entry("KINFER_T_TTL", "3600"), Map.entry("KINFER_T_DELAY_MS", "5"),
                Map.entry("KINFER_T_URL", "https://registry:8443/apis/ccompat/v7"), Map.entry("KINFER_T_MODE", "exact"),
                Map.entry("KINFER_T_ALLOW", "127.0.0.0/8, ,::1/128"), Map.entry("KINFER_T_DIR", "/var/lib/kinfer"),
                Map.entry("KINFER_T_SECRET", "0123456789abcdef")));

        assertThat(values.get(NAME)).isEqualTo("edge");
        assertThat(values.get(PORT)).isZero();
        assertThat(values.get(BYTES)).isEqualTo(5_000_000_000L);
        assertThat(values.get(RATE)).isEqualTo(2.5);
        assertThat(values.get(AUTH)).isFalse();
        assertThat(values.get(FLAG)).isTrue();
        assertThat(values.get(TTL)).isEqualTo(Duration.ofHours(1));
        assertThat(values.get(DELAY)).isEqualTo(Duration.ofMillis(5));
        assertThat(values.get(URL)).hasHost("registry").hasPort(8443);
        assertThat(values.get(MODE)).isEqualTo("exact");
        assertThat(values.get(ALLOW)).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(values.get(DIR)).isEqualTo(Path.of("/var/lib/kinfer"));
        assertThat(values.get(SECRET)).isEqualTo("0123456789abcdef");
    }

    @Test
    void shouldReadDurationsInTheirUnitsAndWriteThemBackInTheLargestExactOne() {
        Setting<Duration> retention = Setting.duration("KINFER_T_RETENTION").defaultTo(Duration.ofDays(7));
        Setting<List<Duration>> schedule = Setting.durations("KINFER_T_SCHEDULE");

        Values values = Settings.of(retention, schedule).parse(Map.of("KINFER_T_SCHEDULE", "250ms, 5s,5m,2h,1d"));

        assertThat(values.get(retention)).isEqualTo(Duration.ofDays(7));
        assertThat(values.get(schedule)).containsExactly(Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofDays(1));
        assertThat(retention.shownDefault()).isEqualTo("7d");
        assertThatThrownBy(() -> Settings.of(schedule).parse(Map.of("KINFER_T_SCHEDULE", "5s,10 minutes")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).singleElement().asString()
                        .startsWith("KINFER_T_SCHEDULE: ").contains("not a duration"));
    }

    @Test
    void shouldCountABlankVariableAsUnset() {
        Values values = ALL.parse(Map.of("KINFER_T_PORT", "  ", "KINFER_T_NAME", "", "KINFER_T_SECRET", "0123456789abcdef"));

        assertThat(values.get(PORT)).isEqualTo(8080);
        assertThat(values.get(NAME)).isEqualTo("kinfer");
    }

    @Test
    void shouldReportEveryProblemAtOnceEachNamingItsVariable() {
        assertThatThrownBy(() -> ALL.parse(Map.ofEntries(Map.entry("KINFER_T_PORT", "abc"), Map.entry("KINFER_T_BYTES", "1.5"),
                Map.entry("KINFER_T_RATE", "fast"), Map.entry("KINFER_T_AUTH", "yes"), Map.entry("KINFER_T_FLAG", "on"),
                Map.entry("KINFER_T_TTL", "30s"), Map.entry("KINFER_T_DELAY_MS", "-"), Map.entry("KINFER_T_URL", "ftp://registry"),
                Map.entry("KINFER_T_MODE", "slow"))))
                .isInstanceOfSatisfying(SettingsException.class, e -> {
                    assertThat(e.problems()).containsExactly(
                            "KINFER_T_PORT: 'abc' is not an integer",
                            "KINFER_T_BYTES: '1.5' is not an integer",
                            "KINFER_T_RATE: 'fast' is not a number",
                            "KINFER_T_AUTH: 'yes' must be on or off",
                            "KINFER_T_FLAG: 'on' must be true or false",
                            "KINFER_T_TTL: '30s' is not a whole number of seconds",
                            "KINFER_T_DELAY_MS: '-' is not a whole number of milliseconds",
                            "KINFER_T_URL: 'ftp://registry' must be an http:// or https:// URL",
                            "KINFER_T_MODE: 'slow' must be one of fast, exact",
                            "KINFER_T_SECRET: must be set");
                    assertThat(e.getMessage()).startsWith("10 settings are wrong:\n  KINFER_T_PORT: 'abc' is not an integer\n");
                });
    }

    @Test
    void shouldApplyEachSettingsChecksToSetValues() {
        assertThatThrownBy(() -> ALL.parse(Map.of("KINFER_T_PORT", "70000", "KINFER_T_SECRET", "0123456789abcdef")))
                .hasMessage("KINFER_T_PORT: '70000' is not a port (0 to 65535)");
    }

    @Test
    void shouldNeverShowASecretNorCredentialsInAUrl() {
        assertThatThrownBy(() -> ALL.parse(Map.of("KINFER_T_SECRET", "short-secret", "KINFER_T_URL", "ftp://svc:hunter2@registry")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("KINFER_T_SECRET: the value must be at least 16 characters")
                .hasMessageContaining("KINFER_T_URL: 'ftp://***@registry'")
                .message().doesNotContain("short-secret").doesNotContain("hunter2");

        Values values = ALL.parse(Map.of("KINFER_T_SECRET", "0123456789abcdef", "KINFER_T_URL", "https://svc:hunter2@registry"));
        assertThat(values.toString()).contains("KINFER_T_SECRET=[hidden]", "KINFER_T_URL=https://***@registry", "KINFER_T_PORT=8080")
                .doesNotContain("0123456789abcdef", "hunter2");
        assertThat(SECRET.show("0123456789abcdef")).isEqualTo(Setting.HIDDEN);
    }

    @Test
    void shouldCheckRulesAcrossSettingsOnlyOnceTheirSettingsParsed() {
        Settings settings = Settings.of(DIR, DELAY).rule("set exactly one", values -> (values.get(DIR) == null) != (values.get(DELAY) == null), DIR, DELAY);

        assertThat(settings.parse(Map.of("KINFER_T_DIR", "/models")).get(DIR)).isEqualTo(Path.of("/models"));
        assertThatThrownBy(() -> settings.parse(Map.of("KINFER_T_DIR", "/models", "KINFER_T_DELAY_MS", "5")))
                .hasMessage("KINFER_T_DIR, KINFER_T_DELAY_MS: set exactly one");
        Settings both = Settings.of(DIR, PORT).rule("set a directory", values -> values.get(DIR) != null, DIR, PORT);
        assertThatThrownBy(() -> both.parse(Map.of())).hasMessage("KINFER_T_DIR, KINFER_T_PORT: set a directory");
        assertThatThrownBy(() -> both.parse(Map.of("KINFER_T_PORT", "x"))).hasMessage("KINFER_T_PORT: 'x' is not an integer");
    }

    @Test
    void shouldPassThroughAPrefixsVariablesAndCheckEach() {
        Prefix family = new Prefix("KINFER_P_<NAME>", "KINFER_P_", "string", "Passed through.",
                (variable, value) -> variable.endsWith("_") ? Optional.of("names nothing") : Optional.empty(), variable -> variable.contains("PASSWORD"));
        Settings settings = Settings.of(NAME).and(family);

        Values values = settings.parse(Map.of("KINFER_P_A", "1", "KINFER_P_PASSWORD", "pw", "KINFER_P_BLANK", " ", "OTHER", "x"));
        assertThat(values.prefixed("KINFER_P_")).containsOnly(Map.entry("KINFER_P_A", "1"), Map.entry("KINFER_P_PASSWORD", "pw"));
        assertThat(values.toString()).contains("KINFER_P_A=1", "KINFER_P_PASSWORD=[hidden]").doesNotContain("=pw");
        assertThatThrownBy(() -> settings.parse(Map.of("KINFER_P_", "1"))).hasMessage("KINFER_P_: names nothing");
    }

    @Test
    void shouldRefuseTwoDeclarationsOfOneVariable() {
        assertThatThrownBy(() -> Settings.of(PORT, Setting.integer("KINFER_T_PORT"))).isInstanceOf(IllegalStateException.class);
        assertThat(Settings.of(PORT).and(Settings.of(PORT, NAME)).settings()).containsExactly(PORT, NAME);
        assertThatThrownBy(() -> Setting.string("PORT")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRenderOneRowPerDeclarationWithTheServicesThatReadIt() {
        Setting<Integer> otherPort = Setting.integer("KINFER_T_PORT").defaultTo(8090).doc("A port.");
        Map<String, Settings> services = new java.util.LinkedHashMap<>();
        services.put("api", Settings.of(NAME, PORT, SECRET));
        services.put("sink", Settings.of(NAME, otherPort));

        assertThat(SettingsTable.markdown(services)).isEqualTo("""
                | variable | type | default | services | description |
                | --- | --- | --- | --- | --- |
                | `KINFER_T_NAME` | string | kinfer | all | A name. |
                | `KINFER_T_PORT` | integer | 8080 | api | A port. |
                | `KINFER_T_PORT` | integer | 8090 | sink | A port. |
                | `KINFER_T_SECRET` | string, secret | required | api |  |
                """);
    }
}
