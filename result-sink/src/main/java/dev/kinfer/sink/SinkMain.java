package dev.kinfer.sink;

import org.slf4j.LoggerFactory;

/** Starts result-sink from its environment and stops it cleanly on SIGTERM / Ctrl-C. */
public final class SinkMain {
    private SinkMain() {
    }

    public static void main(String[] args) {
        SinkConfig config;
        try {
            // Every setting is checked before anything starts; all problems are reported at once.
            config = SinkConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(SinkMain.class).error("result-sink not started: {}", e.getMessage());
            System.exit(1);
            return;
        }
        SinkApp app;
        try {
            app = SinkApp.start(config);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(SinkMain.class).error("result-sink failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sink-shutdown"));
    }
}
