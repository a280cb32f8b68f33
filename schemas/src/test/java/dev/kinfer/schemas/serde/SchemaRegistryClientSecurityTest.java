package dev.kinfer.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry client against a registry that asks for credentials, and one behind TLS with a private CA. */
class SchemaRegistryClientSecurityTest {
    private static final String SCHEMA_BODY = "{\"schema\":\"\\\"string\\\"\"}";

    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldSendBasicAuthWithEveryCall() throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:pw".getBytes(StandardCharsets.UTF_8));
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), expected);

        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", url,
                "KINFER_REGISTRY_USERNAME", "svc", "KINFER_REGISTRY_PASSWORD", "pw")));

        assertThat(client.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(authorizations).containsExactly(expected);
    }

    @Test
    void shouldSendABearerToken() throws IOException {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Bearer eyJtoken");

        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", url,
                "KINFER_REGISTRY_TOKEN", "eyJtoken")));

        assertThat(client.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(authorizations).containsExactly("Bearer eyJtoken");
    }

    @Test
    void shouldReportARefusalAsTheRegistrysStatus() throws IOException {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Basic something-else");

        SchemaRegistryClient client = new SchemaRegistryClient(RegistryConnection.to(url).withBasicAuth("svc", "wrong-pw"));

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).doesNotContain("wrong-pw");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void shouldTrustARegistryCertificateFromTheConfiguredTrustStore(String type) throws Exception {
        Path serverStore = keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", dir.resolve("server.p12").toString(), "-storetype", "PKCS12", "-storepass", "server-pw");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", serverStore.toString(), "-storepass", "server-pw",
                "-file", dir.resolve("registry.pem").toString());
        Path trustStore = dir.resolve("trust." + type.toLowerCase());
        keytool("-importcert", "-noprompt", "-alias", "registry-ca", "-file", dir.resolve("registry.pem").toString(),
                "-keystore", trustStore.toString(), "-storetype", type, "-storepass", "trust-pw");

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext(serverStore, "server-pw")));
        String url = start(https, null).replace("http://", "https://");

        SchemaRegistryClient trusting = new SchemaRegistryClient(RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", url,
                "KINFER_REGISTRY_TRUSTSTORE", trustStore.toString(), "KINFER_REGISTRY_TRUSTSTORE_PASSWORD", "trust-pw")));
        assertThat(trusting.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));

        SchemaRegistryClient jvmDefaults = new SchemaRegistryClient(url);
        assertThatThrownBy(() -> jvmDefaults.schemaById(1)).as("the JVM's own trust store does not know this CA")
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isZero());
    }

    @Test
    void shouldSayWhichTrustStoreItCannotRead() {
        RegistryConnection connection = RegistryConnection.to("https://127.0.0.1:1").withTrustStore(dir.resolve("missing.p12"), "pw");

        assertThatThrownBy(() -> new SchemaRegistryClient(connection)).hasMessageContaining("missing.p12").hasMessageContaining("KINFER_REGISTRY_TRUSTSTORE");
    }

    /** Serves {@code GET /schemas/ids/1}; with {@code expectedAuthorization}, only to calls carrying it (401 otherwise). */
    private String start(HttpServer created, String expectedAuthorization) {
        server = created;
        server.createContext("/", exchange -> {
            try (exchange) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization != null) {
                    authorizations.add(authorization);
                }
                if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                    reply(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                } else if (exchange.getRequestURI().getPath().equals("/schemas/ids/1")) {
                    reply(exchange, 200, SCHEMA_BODY);
                } else {
                    reply(exchange, 404, "{\"error_code\":40403}");
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static SSLContext serverContext(Path keyStore, String password) throws Exception {
        KeyStore store = KeyStore.getInstance(keyStore.toFile(), password.toCharArray());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Runs the JDK's keytool; returns the {@code -keystore} it wrote, if any. */
    private static Path keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        int keystore = command.indexOf("-keystore");
        return keystore < 0 ? null : Path.of(command.get(keystore + 1));
    }
}
