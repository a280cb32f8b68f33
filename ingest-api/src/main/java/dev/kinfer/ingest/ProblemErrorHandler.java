package dev.kinfer.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses before a route runs (a URI over the header size, an ambiguous path, a body over the
 * size limit announced by its Content-Length) as problem+json too, instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        int status = response.getStatus();
        Object message = request.getAttribute(ERROR_MESSAGE);
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        ApiProblem problem = status == 413 && path != null && path.startsWith(AdminRoutes.PREFIX)
                ? AdminRoutes.tooLarge()
                : new ApiProblem(status, code(status), title(status), message == null ? "refused by the HTTP server" : message.toString());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(Problems.body(problem, path))), callback);
        return true;
    }

    private static String code(int status) {
        return switch (status) {
            case 413 -> "image-too-large"; // the only large thing this API takes is an image (a model: see handle)
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            default -> status >= 500 ? "internal-error" : "bad-request";
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 413 -> "Image too large";
            case 414 -> "URI too long";
            case 431 -> "Headers too large";
            default -> status >= 500 ? "Internal error" : "Bad request";
        };
    }
}
