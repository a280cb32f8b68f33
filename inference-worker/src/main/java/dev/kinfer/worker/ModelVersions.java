package dev.kinfer.worker;

import dev.kinfer.worker.model.ModelRunner;
import dev.kinfer.worker.model.Models;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The versions of this worker's model that are loaded and warmed up. Unpinned requests go to the latest
 * deployed one; a request may pin any loaded version. Versions come and go while requests flow: a new one
 * is added only once warm, and a removed one is closed on the inference thread, after the batch it may be in.
 */
final class ModelVersions {
    private record Version(Models.Loaded loaded, long deployedAtMs) {
    }

    private final String model;
    private final Map<String, Version> versions = new ConcurrentHashMap<>();

    ModelVersions(String model) {
        this.model = model;
    }

    String model() {
        return model;
    }

    void add(Models.Loaded loaded, long deployedAtMs) {
        String version = loaded.runner().manifest().version();
        Version previous = versions.put(version, new Version(loaded, deployedAtMs));
        if (previous != null) {
            throw new IllegalStateException(model + ":" + version + " was already loaded");
        }
    }

    boolean contains(String version) {
        return versions.containsKey(version);
    }

    /** The version a request runs on: the pinned one, else the latest deployed; empty if that is not loaded. */
    Optional<Models.Loaded> resolve(String pinned) {
        if (pinned != null) {
            return Optional.ofNullable(versions.get(pinned)).map(Version::loaded);
        }
        return versions.values().stream().max(Comparator.comparingLong(Version::deployedAtMs)).map(Version::loaded);
    }

    /** Whether this runner is still one of the loaded versions (not removed since a request chose it). */
    boolean isLoaded(ModelRunner runner) {
        Version version = versions.get(runner.manifest().version());
        return version != null && version.loaded().runner() == runner;
    }

    Optional<Models.Loaded> remove(String version) {
        return Optional.ofNullable(versions.remove(version)).map(Version::loaded);
    }

    List<String> loaded() {
        return versions.keySet().stream().sorted().toList();
    }
}
