package dev.kinfer.worker.model;

import ai.djl.Device;
import dev.kinfer.catalog.ModelManifest;

/** {@code auto | cpu | gpu:N} as manifests spell devices (validated there), mapped to DJL's. */
final class Devices {
    private Devices() {
    }

    /** null for {@code auto}: DJL then picks the engine's default device (a GPU when it has one). */
    static Device forManifest(ModelManifest manifest) {
        String device = manifest.device();
        if ("auto".equals(device)) {
            return null;
        }
        return "cpu".equals(device) ? Device.cpu() : Device.gpu(Integer.parseInt(device.substring("gpu:".length())));
    }
}
