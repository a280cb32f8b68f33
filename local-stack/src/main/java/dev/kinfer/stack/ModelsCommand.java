package dev.kinfer.stack;

import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.InvalidManifestException;
import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./kinfer models list | deploy <dir> | undeploy <name>[:<version>]}: the model catalogue of a running
 * kinfer (the local stack's by default; flags point elsewhere). Workers serving a model pick the change up
 * without a restart.
 */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List, deploy and undeploy model versions.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Deploy.class, ModelsCommand.Undeploy.class})
final class ModelsCommand {
    /** Where the catalogue and the object store are: the local stack's, unless told otherwise. */
    static final class Connection {
        @Mixin
        KafkaOptions kafka;
        @Option(names = "--s3-endpoint", defaultValue = "http://127.0.0.1:9000", description = "S3 (default: ${DEFAULT-VALUE}).")
        String s3Endpoint;
        @Option(names = "--data-dir", defaultValue = ".kinfer",
                description = "The local stack's data, for its S3 keys (default: ${DEFAULT-VALUE}); KINFER_S3_ACCESS_KEY / KINFER_S3_SECRET_KEY win.")
        Path dataDir;

        ObjectStore store() throws Exception {
            String accessKey = System.getenv("KINFER_S3_ACCESS_KEY");
            String secretKey = System.getenv("KINFER_S3_SECRET_KEY");
            if (accessKey == null || secretKey == null) {
                Secrets secrets = Secrets.loadOrCreate(dataDir.toAbsolutePath());
                accessKey = secrets.s3AccessKey();
                secretKey = secrets.s3SecretKey();
            }
            return new ObjectStore(new StoreConfig(s3Endpoint, "us-east-1", accessKey, secretKey, LocalStack.BUCKET));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The deployed versions, oldest deployment first.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Override
        public Integer call() throws Exception {
            KafkaConnection kafka = connection.kafka.connection();
            ModelDeployer.ensureTopic(kafka);
            try (ModelCatalog catalog = new ModelCatalog(kafka)) {
                catalog.awaitCaughtUp(Duration.ofSeconds(30));
                List<CatalogEntry> entries = catalog.entries();
                System.out.printf("%-22s %-30s %-18s %-12s %s%n", "MODEL", "VERSION", "TASK", "ENGINE", "DEPLOYED");
                for (CatalogEntry e : entries) {
                    System.out.printf("%-22s %-30s %-18s %-12s %s%n", e.name(), e.version(), e.manifest().task(), e.manifest().engine(),
                            Instant.ofEpochMilli(e.deployedAtMs()));
                }
                if (entries.isEmpty()) {
                    System.out.println("(no model deployed)");
                }
            }
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy the model in a directory (manifest.json beside its artifact); serving workers load it, warm it up and switch to it.")
    static final class Deploy implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Parameters(paramLabel = "DIR", description = "The model directory.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            try (ObjectStore store = connection.store(); ModelDeployer deployer = new ModelDeployer(connection.kafka.connection(), store)) {
                store.ensureBucket();
                CatalogEntry entry = deployer.deploy(dir);
                System.out.println("deployed " + entry.key() + " (" + entry.files().size() + " files)");
                return 0;
            } catch (InvalidManifestException e) {
                System.err.println("kinfer: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true,
            description = "Undeploy one version (name:version) or every version (name) of a model.")
    static final class Undeploy implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Parameters(paramLabel = "NAME[:VERSION]")
        String target;

        @Override
        public Integer call() throws Exception {
            String name = target.contains(":") ? target.substring(0, target.indexOf(':')) : target;
            String version = target.contains(":") ? target.substring(target.indexOf(':') + 1) : null;
            List<String> versions;
            try (ModelCatalog catalog = new ModelCatalog(connection.kafka.connection())) {
                catalog.awaitCaughtUp(Duration.ofSeconds(30));
                versions = catalog.versions(name).stream().map(CatalogEntry::version).filter(v -> version == null || v.equals(version)).toList();
            }
            if (versions.isEmpty()) {
                System.err.println("kinfer: " + target + " is not deployed");
                return 2;
            }
            try (ObjectStore store = connection.store(); ModelDeployer deployer = new ModelDeployer(connection.kafka.connection(), store)) {
                for (String v : versions) {
                    deployer.undeploy(name, v);
                    System.out.println("undeployed " + CatalogEntry.key(name, v));
                }
            }
            return 0;
        }
    }
}
