package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code ./kinfer models ...} in the test's JVM against a test stack, as an operator would. */
final class ModelsCli {
    private ModelsCli() {
    }

    /** Runs the command, asserts it succeeded, and returns what it printed. */
    static String run(LocalStack stack, Path dataDir, String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            List<String> command = new ArrayList<>(List.of("models", args[0], "--bootstrap-servers=" + stack.bootstrapServers(),
                    "--s3-endpoint=" + stack.s3Endpoint(), "--data-dir=" + dataDir));
            command.addAll(Arrays.asList(args).subList(1, args.length));
            int exit = new CommandLine(new KinferCli()).execute(command.toArray(String[]::new));
            assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
