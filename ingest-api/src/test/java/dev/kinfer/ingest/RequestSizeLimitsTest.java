package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jetty's body limits as IngestApp installs them: model deployment's routes get the larger one, every other the ordinary. */
class RequestSizeLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ORDINARY = 1024;
    private static final int LARGE = 8 * 1024;

    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProblemErrorHandler());
                RequestSizeLimits.install(server, ORDINARY, AdminRoutes.PREFIX, LARGE);
            });
            javalin.routes.post("/v1/uploads", ctx -> ctx.result(Integer.toString(ctx.bodyAsBytes().length)));
            javalin.routes.post("/v1/admin/models", ctx -> ctx.result(Integer.toString(ctx.bodyAsBytes().length)));
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldHoldAdminRoutesToTheLargerLimitAndEveryOtherToTheOrdinaryOne() throws Exception {
        HttpResponse<String> ordinary = post("/v1/uploads", ORDINARY + 1);
        HttpResponse<String> admin = post("/v1/admin/models", 4 * ORDINARY);
        HttpResponse<String> tooLarge = post("/v1/admin/models", LARGE + 1);

        assertThat(ordinary.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(ordinary.body()).path("code").asText()).isEqualTo("image-too-large");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(admin.body()).isEqualTo(Integer.toString(4 * ORDINARY));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooLarge.body()).path("code").asText()).isEqualTo("model-too-large");
        assertThat(post("/v1/uploads", ORDINARY).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path, int bytes) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(), HttpResponse.BodyHandlers.ofString());
    }
}
