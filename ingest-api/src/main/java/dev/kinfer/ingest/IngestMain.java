package dev.kinfer.ingest;

/** Starts ingest-api from its environment and stops it cleanly on SIGTERM / Ctrl-C. */
public final class IngestMain {
    private IngestMain() {
    }

    public static void main(String[] args) {
        IngestApp app = IngestApp.start(IngestConfig.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ingest-shutdown"));
    }
}
