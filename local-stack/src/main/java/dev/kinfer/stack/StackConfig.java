package dev.kinfer.stack;

import java.nio.file.Path;

/**
 * Where the single-machine stack keeps its data and which ports it uses.
 *
 * @param home      the kinfer checkout whose built modules are run
 * @param dataDir   everything that must survive a restart: Kafka log, objects, registry, secrets, logs
 * @param cacheDir  fetched model packages and DJL's native libraries (may be shared between data dirs)
 * @param ports     the ports to listen on
 */
record StackConfig(Path home, Path dataDir, Path cacheDir, Ports ports) {
    /** Every port the stack listens on; each is checked free before anything starts. */
    record Ports(int http, int sink, int kafka, int controller, int s3, int registry, int worker) {
        static Ports defaults() {
            return new Ports(8080, 8090, 9092, 9093, 9000, 8081, 8070);
        }
    }
}
