package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.standardwebhooks.Webhook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks a delivery's signature the two ways a receiver would: with the reference Java library of the Standard
 * Webhooks spec, and with the verification recipe the README gives (run as written, by python3).
 */
final class WebhookVerification {
    private static final String BEGIN = "<!-- webhook-verify:begin -->";
    private static final String END = "<!-- webhook-verify:end -->";

    private WebhookVerification() {
    }

    static void assertSigned(String secret, WebhookReceiver.Delivery delivery) throws Exception {
        assertThatCode(() -> new Webhook(secret).verify(new String(delivery.body(), StandardCharsets.UTF_8), delivery.headers()))
                .as("the reference library verifies the delivery").doesNotThrowAnyException();
        assertThat(readmeRecipe(secret, delivery)).as("the README's recipe verifies the delivery").isZero();
    }

    /** The README's recipe's exit status for this delivery: 0 when it verifies. */
    static int readmeRecipe(String secret, WebhookReceiver.Delivery delivery) throws IOException, InterruptedException {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the verification recipe between " + BEGIN + " and " + END).isNotNegative();
        String block = readme.substring(begin + BEGIN.length(), end);
        String recipe = block.substring(block.indexOf("```python") + "```python".length(), block.lastIndexOf("```"));
        ProcessBuilder python = new ProcessBuilder("python3", "-c", recipe);
        python.environment().put("WEBHOOK_SECRET", secret);
        python.environment().put("WEBHOOK_ID", delivery.header("webhook-id"));
        python.environment().put("WEBHOOK_TIMESTAMP", delivery.header("webhook-timestamp"));
        python.environment().put("WEBHOOK_SIGNATURE", delivery.header("webhook-signature"));
        Process process = python.redirectErrorStream(true).start();
        process.getOutputStream().write(delivery.body());
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the recipe prints nothing").isEmpty();
        return process.exitValue();
    }
}
