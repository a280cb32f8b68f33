package dev.kinfer.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (broker and controller in one) in this process, its log under {@code dir}. It
 * can be stopped and started again on the same log and ports (fault tests take the broker away mid-run).
 *
 * <p>Clients connect to a PLAINTEXT listener. Given a SCRAM port, the broker also listens there with
 * {@code SASL_PLAINTEXT} and {@code SCRAM-SHA-256} (users are made with the Admin API,
 * {@code alterUserScramCredentials}, over the PLAINTEXT listener); the controller and inter-broker listeners stay
 * PLAINTEXT.
 */
final class EmbeddedKafka implements AutoCloseable {
    /** The name of the SASL listener (its {@code listener.name.*} settings use it lower-cased). */
    private static final String SCRAM_LISTENER = "SCRAM";

    private final Properties config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private EmbeddedKafka(Properties config, String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    /** @param scramPort the port of a {@code SASL_PLAINTEXT} SCRAM-SHA-256 listener; none if empty */
    static EmbeddedKafka start(Path dir, int port, int controllerPort, OptionalInt scramPort) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String listeners = "PLAINTEXT://127.0.0.1:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (scramPort.isPresent()) {
            listeners += "," + SCRAM_LISTENER + "://127.0.0.1:" + scramPort.getAsInt();
            protocols += "," + SCRAM_LISTENER + ":SASL_PLAINTEXT";
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
            // No users here: the broker checks clients against the SCRAM credentials in the cluster's metadata.
            p.put("listener.name." + SCRAM_LISTENER.toLowerCase(Locale.ROOT) + ".scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listeners);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", protocols);
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
