package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code ./kinfer models ...} in the test's JVM against a test stack's ingest-api, as an operator would. */
final class ModelsCli {
    private ModelsCli() {
    }

    /** Runs the command with the stack's (admin) development key, asserts it succeeded, and returns what it printed. */
    static String run(LocalStack stack, String... args) {
        return run(stack.apiUrl(), stack.apiKey(), args);
    }

    /** Runs the command against the ingest-api at {@code apiUrl} with {@code apiKey}, asserts it succeeded, and returns what it printed. */
    static String run(String apiUrl, String apiKey, String... args) {
        Result result = attempt(apiUrl, apiKey, args);
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        return result.out();
    }

    /** What a run printed and its exit status. */
    record Result(int exit, String out, String err) {
    }

    /** Runs the command, whatever its outcome. */
    static Result attempt(String apiUrl, String apiKey, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            List<String> command = new ArrayList<>(List.of("models", args[0], "--api-url=" + apiUrl));
            if (apiKey != null) {
                command.add("--api-key=" + apiKey);
            }
            command.addAll(Arrays.asList(args).subList(1, args.length));
            int exit = new CommandLine(new KinferCli()).execute(command.toArray(String[]::new));
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
