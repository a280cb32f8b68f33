package dev.kinfer.worker.model;

import ai.djl.Device;
import java.util.regex.Pattern;

/** {@code auto | cpu | gpu:N} as manifests and workers spell devices, mapped to DJL's. */
final class Devices {
    private static final Pattern SPELLING = Pattern.compile("auto|cpu|gpu:\\d+");

    private Devices() {
    }

    static boolean isValid(String device) {
        return device != null && SPELLING.matcher(device).matches();
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
