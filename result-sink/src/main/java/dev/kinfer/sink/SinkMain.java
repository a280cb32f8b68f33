package dev.kinfer.sink;

/** Starts result-sink from its environment and stops it cleanly on SIGTERM / Ctrl-C. */
public final class SinkMain {
    private SinkMain() {
    }

    public static void main(String[] args) {
        SinkApp app = SinkApp.start(SinkConfig.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sink-shutdown"));
    }
}
