package dev.kinfer.schemas.serde;

import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How to reach the schema registry: its base URL and, if it asks for them, credentials (HTTP basic or a bearer
 * token, sent with every call) and the CA to trust for an {@code https} URL when the JVM's own trust store does not
 * hold it. Parsed from the environment once:
 * <ul>
 *   <li>{@code KINFER_REGISTRY_URL}: the Confluent-compatible API's base URL (default {@value #DEFAULT_URL})</li>
 *   <li>{@code KINFER_REGISTRY_USERNAME} and {@code KINFER_REGISTRY_PASSWORD}: basic auth (both or neither)</li>
 *   <li>{@code KINFER_REGISTRY_TOKEN}: a bearer token (instead of basic auth)</li>
 *   <li>{@code KINFER_REGISTRY_TRUSTSTORE} (a PKCS12 or JKS file) and {@code KINFER_REGISTRY_TRUSTSTORE_PASSWORD}</li>
 * </ul>
 * {@link #toString()} hides the password, the token and the trust store's password.
 */
public final class RegistryConnection {
    public static final String DEFAULT_URL = "http://127.0.0.1:8081";
    static final String HIDDEN = "[hidden]";

    public static final Setting<URI> URL = Setting.url("KINFER_REGISTRY_URL").defaultTo(URI.create(DEFAULT_URL))
            .check(uri -> uri.getRawUserInfo() == null, "must not carry credentials: set KINFER_REGISTRY_USERNAME and KINFER_REGISTRY_PASSWORD")
            .doc("Base URL of any Confluent Schema Registry API (Confluent, Karapace, Redpanda, Apicurio `…/apis/ccompat/v7`); "
                    + "set its compatibility to `BACKWARD`. `https://` is checked against the JVM's trust store, or `KINFER_REGISTRY_TRUSTSTORE`.");
    public static final Setting<String> USERNAME = Setting.string("KINFER_REGISTRY_USERNAME")
            .check(name -> !name.contains(":"), "cannot contain ':' (HTTP basic auth)")
            .doc("HTTP basic auth user on every registry call (with `KINFER_REGISTRY_PASSWORD`).");
    public static final Setting<String> PASSWORD = Setting.string("KINFER_REGISTRY_PASSWORD").secret()
            .doc("HTTP basic auth password (with `KINFER_REGISTRY_USERNAME`).");
    public static final Setting<String> TOKEN = Setting.string("KINFER_REGISTRY_TOKEN").secret()
            .doc("`Authorization: Bearer <token>` on every registry call, instead of basic auth.");
    public static final Setting<Path> TRUST_STORE = Setting.path("KINFER_REGISTRY_TRUSTSTORE")
            .doc("A PKCS12 or JKS file with the CA of a registry the JVM does not trust.");
    public static final Setting<String> TRUST_STORE_PASSWORD = Setting.string("KINFER_REGISTRY_TRUSTSTORE_PASSWORD").secret()
            .doc("The password of `KINFER_REGISTRY_TRUSTSTORE`, if it has one.");
    /** What {@link #fromEnvironment} reads, with the rules across them. */
    public static final Settings SETTINGS = Settings.of(URL, USERNAME, PASSWORD, TOKEN, TRUST_STORE, TRUST_STORE_PASSWORD)
            .rule("registry basic auth needs both a username and a password", values -> (values.get(USERNAME) == null) == (values.get(PASSWORD) == null),
                    USERNAME, PASSWORD)
            .rule("set either registry basic auth (KINFER_REGISTRY_USERNAME/_PASSWORD) or a bearer token (KINFER_REGISTRY_TOKEN), not both",
                    values -> values.get(USERNAME) == null || values.get(TOKEN) == null, USERNAME, TOKEN)
            .rule("KINFER_REGISTRY_TRUSTSTORE_PASSWORD is set without KINFER_REGISTRY_TRUSTSTORE",
                    values -> values.get(TRUST_STORE) != null || values.get(TRUST_STORE_PASSWORD) == null, TRUST_STORE, TRUST_STORE_PASSWORD);

    private final URI url;
    private final String username;
    private final String password;
    private final String token;
    private final Path trustStore;
    private final String trustStorePassword;

    private RegistryConnection(URI url, String username, String password, String token, Path trustStore, String trustStorePassword) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.token = token;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("registry basic auth needs both a username and a password (KINFER_REGISTRY_USERNAME, KINFER_REGISTRY_PASSWORD)");
        }
        if (username != null && username.contains(":")) {
            throw new IllegalArgumentException("a registry username for basic auth cannot contain ':'");
        }
        if (username != null && token != null) {
            throw new IllegalArgumentException("set either registry basic auth (KINFER_REGISTRY_USERNAME/_PASSWORD) or a bearer token (KINFER_REGISTRY_TOKEN), not both");
        }
        if (trustStore == null && trustStorePassword != null) {
            throw new IllegalArgumentException("KINFER_REGISTRY_TRUSTSTORE_PASSWORD is set without KINFER_REGISTRY_TRUSTSTORE");
        }
    }

    /** The registry at {@code url}, no credentials, the JVM's trust store. */
    public static RegistryConnection to(String url) {
        return new RegistryConnection(parse(url), null, null, null, null, null);
    }

    public static RegistryConnection fromEnvironment(Map<String, String> env) {
        return from(SETTINGS.parse(env));
    }

    /** The connection {@link #SETTINGS} (as part of a service's settings) describe. */
    public static RegistryConnection from(Values values) {
        return new RegistryConnection(parse(values.get(URL).toString()), values.get(USERNAME), values.get(PASSWORD), values.get(TOKEN),
                values.get(TRUST_STORE), values.get(TRUST_STORE_PASSWORD));
    }

    /** The same registry, called with HTTP basic auth. */
    public RegistryConnection withBasicAuth(String username, String password) {
        return new RegistryConnection(url, username, password, token, trustStore, trustStorePassword);
    }

    /** The same registry, called with {@code Authorization: Bearer <token>}. */
    public RegistryConnection withBearerToken(String token) {
        return new RegistryConnection(url, username, password, token, trustStore, trustStorePassword);
    }

    /** The same registry, its certificate checked against the CAs of a PKCS12 or JKS file ({@code password} may be null). */
    public RegistryConnection withTrustStore(Path trustStore, String password) {
        return new RegistryConnection(url, username, this.password, token, trustStore, password);
    }

    private static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the schema registry URL (KINFER_REGISTRY_URL) is not a URL");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the schema registry URL (KINFER_REGISTRY_URL) must be an http:// or https:// URL");
        }
        // The URL is shown in errors and logs: credentials have their own settings and never ride in it.
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the schema registry URL (KINFER_REGISTRY_URL) must not carry credentials: set KINFER_REGISTRY_USERNAME and KINFER_REGISTRY_PASSWORD");
        }
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text : text + "/");
    }

    /** The base URL, ending in {@code /}. */
    public URI url() {
        return url;
    }

    /** The {@code Authorization} header every call carries, if the registry asks for credentials. */
    Optional<String> authorization() {
        if (token != null) {
            return Optional.of("Bearer " + token);
        }
        if (username != null) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /** The TLS context trusting the configured trust store's CAs; empty: the JVM's default. */
    Optional<SSLContext> sslContext() {
        if (trustStore == null) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(trustStore)) {
            throw new IllegalStateException("the registry trust store " + trustStore + " (KINFER_REGISTRY_TRUSTSTORE) is not a file");
        }
        try {
            // Reads PKCS12 and JKS alike (the type is found from the file's content).
            KeyStore store = KeyStore.getInstance(trustStore.toFile(), trustStorePassword == null ? null : trustStorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the registry trust store " + trustStore + " (KINFER_REGISTRY_TRUSTSTORE): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the registry trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("RegistryConnection[url=").append(url);
        if (username != null) {
            text.append(", username=").append(username).append(", password=").append(HIDDEN);
        }
        if (token != null) {
            text.append(", token=").append(HIDDEN);
        }
        if (trustStore != null) {
            text.append(", trustStore=").append(trustStore);
            if (trustStorePassword != null) {
                text.append(", trustStorePassword=").append(HIDDEN);
            }
        }
        return text.append(']').toString();
    }
}
