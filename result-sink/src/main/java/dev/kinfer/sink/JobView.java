package dev.kinfer.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.store.ObjectStore;

/** Renders a job's state for clients as the {@link JobDocument} every service answers with. */
final class JobView {
    private final ObjectStore store;

    JobView(ObjectStore store) {
        this.store = store;
    }

    ObjectNode render(JobState state) {
        return new JobDocument(state.jobId(), state.model(), state.status(), state.submittedAt(), state.completedAt(), state.result(),
                false).render(store);
    }
}
