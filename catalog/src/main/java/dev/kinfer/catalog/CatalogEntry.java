package dev.kinfer.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
        files = List.copyOf(files);
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

    public static CatalogEntry fromJson(byte[] json) {
        try {
            return JSON.readValue(json, CatalogEntry.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a catalogue entry: " + e.getMessage(), e);
        }
    }
}
