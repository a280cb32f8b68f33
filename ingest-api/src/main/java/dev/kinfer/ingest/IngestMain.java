package dev.kinfer.ingest;

import org.slf4j.LoggerFactory;

/** Starts ingest-api from its environment and stops it cleanly on SIGTERM / Ctrl-C. */
public final class IngestMain {
    private IngestMain() {
    }

    public static void main(String[] args) {
        IngestConfig config;
        try {
            // Every setting is checked before anything starts; all problems are reported at once.
            config = IngestConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(IngestMain.class).error("ingest-api not started: {}", e.getMessage());
            System.exit(1);
            return;
        }
        IngestApp app;
        try {
            app = IngestApp.start(config);
        } catch (RuntimeException | InterruptedException e) {
            LoggerFactory.getLogger(IngestMain.class).error("ingest-api failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ingest-shutdown"));
    }
}
