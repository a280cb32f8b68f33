package dev.kinfer.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * The model server a user would otherwise write, as {@code ./kinfer bench --http}'s baseline: one JVM, one HTTP
 * server (Jetty's servlet container and its multipart parsing), the model loaded once, and ONE batching thread that
 * takes up to {@code maxBatch} decoded images or waits {@code maxWaitMs} for more, runs them as one
 * {@code batchPredict} and completes each request's future; request threads decode the JPEG and wait for their
 * answer, which is the top-5 labels as JSON, synchronously. No Kafka, no object store, no job record.
 *
 * <p>It runs the very model code the worker runs (the worker's {@code Models.loadAndWarmUp}: same TorchScript
 * file, same engine, same graph-optimiser and thread settings, same {@code classify} preprocessing), so the
 * comparison is about serving, not about a different model. It starts with the worker's classpath and JVM flags
 * (plus Jetty), like the stack's workers. The local-stack module does not depend on the worker module (services
 * never import each other; the stack starts them as processes), so the worker's public model API is reached by
 * name here.
 *
 * <p>Arguments: model directory, port, max batch, max wait in ms. {@code KINFER_INTRA_OP_THREADS} as for a worker.
 * {@code POST /predict} (multipart, part {@code image}) answers {@code {"output": {...}, "batchSize": n}};
 * {@code GET /health} answers 200 once the model is warm.
 */
final class BaselineServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Object runner;
    private final Method run;
    private final Method inputOf;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    private record Pending(BufferedImage image, CompletableFuture<Answer> answer) {
    }

    private record Answer(Object output, int batchSize) {
    }

    private BaselineServer(Object runner, int maxBatch, Duration maxWait) throws ReflectiveOperationException {
        this.runner = runner;
        this.run = Class.forName("dev.kinfer.worker.model.ModelRunner").getMethod("run", List.class);
        this.inputOf = Class.forName("dev.kinfer.worker.model.ModelInput").getMethod("of", BufferedImage.class);
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
    }

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int maxBatch = Integer.parseInt(args[2]);
        Duration maxWait = Duration.ofMillis(Long.parseLong(args[3]));
        int threads = Integer.parseInt(System.getenv().getOrDefault("KINFER_INTRA_OP_THREADS", "0"));

        // Models.loadAndWarmUp(modelDir, new ModelSettings(maxBatch, maxWait, threads)).runner(), as a worker loads it.
        Class<?> settingsType = Class.forName("dev.kinfer.worker.model.ModelSettings");
        Object settings = settingsType.getConstructor(Integer.class, Duration.class, int.class).newInstance(maxBatch, maxWait, threads);
        Object loaded = Class.forName("dev.kinfer.worker.model.Models").getMethod("loadAndWarmUp", Path.class, settingsType)
                .invoke(null, modelDir, settings);
        Object runner = loaded.getClass().getMethod("runner").invoke(loaded);
        BaselineServer baseline = new BaselineServer(runner, maxBatch, maxWait);
        Thread batching = new Thread(baseline::batchLoop, "batching");
        batching.setDaemon(true);
        batching.start();

        Server server = new Server(new InetSocketAddress("127.0.0.1", port));
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder predict = new ServletHolder(baseline.new PredictServlet());
        Path uploads = Files.createTempDirectory("baseline-uploads");
        predict.getRegistration().setMultipartConfig(new MultipartConfigElement(uploads.toString(), 32 << 20, 33 << 20, 1 << 20));
        context.addServlet(predict, "/predict");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write("ready");
            }
        }), "/health");
        server.setHandler(context);
        server.start();
        System.out.printf("baseline server on 127.0.0.1:%d, max batch %d, max wait %d ms%n", port, maxBatch, maxWait.toMillis());
        server.join();
    }

    /** The one batching thread: the first waiting image, then more until the batch is full or the max wait is over. */
    private void batchLoop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                batch.add(queue.take());
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    Pending next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                List<Object> inputs = new ArrayList<>(batch.size());
                for (Pending pending : batch) {
                    inputs.add(inputOf.invoke(null, pending.image()));
                }
                List<?> outputs = (List<?>) run.invoke(runner, inputs);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer().complete(new Answer(outputs.get(i), batch.size()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (InvocationTargetException e) {
                batch.forEach(p -> p.answer().completeExceptionally(e.getCause()));
            } catch (ReflectiveOperationException | RuntimeException e) {
                batch.forEach(p -> p.answer().completeExceptionally(e));
            }
            batch.clear();
        }
    }

    private final class PredictServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            BufferedImage image;
            try {
                Part part = request.getPart("image");
                if (part == null) {
                    response.sendError(400, "expected a file part named 'image'");
                    return;
                }
                try (InputStream in = part.getInputStream()) {
                    image = ImageIO.read(new ByteArrayInputStream(in.readAllBytes()));
                }
            } catch (jakarta.servlet.ServletException | IllegalStateException e) {
                response.sendError(400, "unreadable upload: " + e.getMessage());
                return;
            }
            if (image == null) {
                response.sendError(400, "not an image");
                return;
            }
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            queue.add(new Pending(image, answer));
            try {
                Answer done = answer.get(120, TimeUnit.SECONDS);
                ObjectNode body = JSON.createObjectNode();
                body.set("output", JSON.valueToTree(done.output()));
                body.put("batchSize", done.batchSize());
                response.setContentType("application/json");
                response.getOutputStream().write(JSON.writeValueAsBytes(body));
            } catch (ExecutionException | TimeoutException e) {
                response.sendError(500, "model failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.sendError(503, "interrupted");
            }
        }
    }
}
