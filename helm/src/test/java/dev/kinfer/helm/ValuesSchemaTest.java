package dev.kinfer.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json refuses bad values before anything renders, naming the value at fault. */
class ValuesSchemaTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ingestApi.replicas=two                       | ingestApi.replicas: Invalid type. Expected: integer, given: string
            workers[0].replicas=two                      | workers.0.replicas: Invalid type. Expected: integer, given: string
            workers[0].model=Detect_Faces                | workers.0.model: Does not match pattern
            workers[0].replica=2                         | workers.0: Additional property replica is not allowed
            workers[0].gpu=-1                            | workers.0.gpu: Must be greater than or equal to 0
            workers[0].autoscaling.lagThreshold=0        | workers.0.autoscaling.lagThreshold: Must be greater than or equal to 1
            ingestApi.resources.limits=null              | ingestApi.resources: limits is required
            kafka.bootstrapServers=                      | kafka.bootstrapServers: Does not match pattern
            s3.existingSecret=                           | s3.existingSecret: String length must be greater than or equal to 1
            kafka.properties.sasl\\.jaas\\.config=secret | kafka.properties: Property name of "sasl.jaas.config" does not match
            ingestApi.env.KINFER_S3_SECRET_KEY=secret    | ingestApi.env: Property name of "KINFER_S3_SECRET_KEY" does not match
            resultSink.env.KINFER_STATE_DIR=/data        | resultSink.env: Property name of "KINFER_STATE_DIR" does not match
            podSecurityContext.runAsNonRoot=false        | podSecurityContext.runAsNonRoot
            """)
    void shouldRefuse(String set, String problem) {
        assertThatThrownBy(() -> Chart.render(set)).hasMessageContaining("don't meet the specifications of the schema").hasMessageContaining(problem);
    }

    @Test
    void shouldRefuseAWorkerWithoutItsModel() throws URISyntaxException {
        Path values = Path.of(getClass().getResource("/values/worker-without-model.yaml").toURI());
        assertThatThrownBy(() -> Chart.render(values)).hasMessageContaining("workers.0: model is required");
    }
}
