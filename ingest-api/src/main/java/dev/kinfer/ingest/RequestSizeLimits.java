package dev.kinfer.ingest;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Request body limits by path, both Jetty's: a body over its limit fails the read with a 413 HttpException (which
 * {@link UploadForm} and {@link AdminRoutes} recognise), and a Content-Length over it is refused before a route runs.
 * Requests under {@code largePrefix} (model deployment) are held to {@code largeLimit}, every other to {@code limit}.
 */
final class RequestSizeLimits {
    private RequestSizeLimits() {
    }

    /** Wraps the server's handler: the large limit outside, the ordinary one inside for every path but the large prefix's. */
    static void install(Server server, long limit, String largePrefix, long largeLimit) {
        SizeLimitHandler ordinary = new Ordinary(limit, largePrefix);
        ordinary.setHandler(server.getHandler());
        SizeLimitHandler large = new SizeLimitHandler(largeLimit, -1);
        large.setHandler(ordinary);
        server.setHandler(large);
    }

    /** The ordinary limit, skipped (leaving the outer, larger one) for paths under the large prefix. */
    private static final class Ordinary extends SizeLimitHandler {
        private final String largePrefix;

        Ordinary(long limit, String largePrefix) {
            super(limit, -1);
            this.largePrefix = largePrefix;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (Request.getPathInContext(request).startsWith(largePrefix)) {
                Handler next = getHandler();
                return next != null && next.handle(request, response, callback);
            }
            return super.handle(request, response, callback);
        }
    }
}
