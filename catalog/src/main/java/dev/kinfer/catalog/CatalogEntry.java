package dev.kinfer.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One deployed model version, as {@code kinfer.models} holds it.
 *
 * @param manifest     the manifest, validated when deployed
 * @param files        the version's files (manifest and artifact among them), under the object store's
 *                     {@code models/<name>/<version>/}
 * @param deployedAtMs when it was deployed; the latest deployed version of a model serves unpinned requests
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogEntry(ModelManifest manifest, List<String> files, long deployedAtMs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CatalogEntry {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    /** The record key: one record per version, so compaction keeps the last word on each. */
    public String key() {
        return key(name(), version());
    }

    public static String key(String name, String version) {
        return name + ":" + version;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write catalogue entry " + key(), e);
        }
    }

    /**
     * Everything wrong with this entry; empty if nothing. Its names become object-store keys and cache paths, so
     * an entry read from the topic is held to the same rules as one being deployed.
     */
    public List<String> problems() {
        if (manifest == null) {
            return List.of("manifest is missing");
        }
        List<String> problems = new ArrayList<>(manifest.problems());
        if (files.isEmpty()) {
            problems.add("files are missing");
        }
        for (String file : files) {
            if (file == null || !CatalogNames.FILE_NAME.matcher(file).matches()) {
                problems.add("file " + file + " must be a plain file name matching " + CatalogNames.FILE_NAME);
            }
        }
        if (manifest.artifact() != null && !files.contains(manifest.artifact())) {
            problems.add("artifact " + manifest.artifact() + " is not among the files " + files);
        }
        return problems;
    }

    /** Reads an entry from {@code kinfer.models}, refusing one that is unreadable or invalid. */
    public static CatalogEntry fromJson(byte[] json) {
        CatalogEntry entry;
        try {
            entry = JSON.readValue(json, CatalogEntry.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a catalogue entry: " + e.getMessage(), e);
        }
        List<String> problems = entry.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid catalogue entry: " + String.join("; ", problems));
        }
        return entry;
    }
}
