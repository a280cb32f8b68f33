package dev.kinfer.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (broker and controller in one) in this process, its log under {@code dir}. It
 * can be stopped and started again on the same log and ports (fault tests take the broker away mid-run).
 */
final class EmbeddedKafka implements AutoCloseable {
    private final Properties config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private EmbeddedKafka(Properties config, String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafka start(Path dir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("log").toString());
        p.put("num.partitions", "4");
        // One node: every internal topic has one replica, or consumers, transactions and Streams wait forever.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "16777216");
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "written by kinfer's local stack");
        }
        if (!Files.exists(dir.resolve("log").resolve("meta.properties"))) {
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(PrintStream.nullOutputStream()));
            if (rc != 0) {
                throw new IOException("formatting the Kafka log directory " + dir + " failed (exit " + rc + ")");
            }
        }
        EmbeddedKafka kafka = new EmbeddedKafka(p, "127.0.0.1:" + port);
        kafka.startAgain();
        return kafka;
    }

    /** Starts the broker (again) on its log directory. */
    synchronized void startAgain() {
        if (server == null) {
            server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            server.startup();
        }
    }

    /** Stops the broker as a shutdown would; {@link #startAgain()} brings it back with everything it had. */
    synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        stop();
    }
}
