package dev.kinfer.store;

import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import java.util.Map;

/**
 * Where the object store is and how to sign in to it.
 *
 * @param endpoint  S3 API base URL, e.g. {@code http://minio:9000}
 * @param region    signing region; MinIO and S3Proxy accept {@code us-east-1}
 * @param accessKey access key id
 * @param secretKey secret access key, from the environment, never from the repository
 * @param bucket    the bucket holding inputs ({@code images/}) and outputs ({@code outputs/})
 */
public record StoreConfig(String endpoint, String region, String accessKey, String secretKey, String bucket) {
    public static final Setting<String> ENDPOINT = Setting.string("KINFER_S3_ENDPOINT").required()
            .doc("The S3 API's base URL (S3, MinIO, S3Proxy), e.g. `http://minio:9000`.");
    public static final Setting<String> REGION = Setting.string("KINFER_S3_REGION").defaultTo("us-east-1")
            .doc("The signing region; MinIO and S3Proxy accept `us-east-1`.");
    public static final Setting<String> ACCESS_KEY = Setting.string("KINFER_S3_ACCESS_KEY").required()
            .doc("The object store's access key id.");
    public static final Setting<String> SECRET_KEY = Setting.string("KINFER_S3_SECRET_KEY").required().secret()
            .doc("The object store's secret access key, from your secret store.");
    public static final Setting<String> BUCKET = Setting.string("KINFER_S3_BUCKET").defaultTo("kinfer")
            .doc("The bucket holding inputs (`images/`) and outputs (`outputs/`).");
    /** What {@link #fromEnvironment} reads. */
    public static final Settings SETTINGS = Settings.of(ENDPOINT, REGION, ACCESS_KEY, SECRET_KEY, BUCKET);

    public StoreConfig {
        require(endpoint, "KINFER_S3_ENDPOINT");
        require(accessKey, "KINFER_S3_ACCESS_KEY");
        require(secretKey, "KINFER_S3_SECRET_KEY");
        require(bucket, "KINFER_S3_BUCKET");
    }

    /** Reads {@code KINFER_S3_*} from the given environment. */
    public static StoreConfig fromEnvironment(Map<String, String> env) {
        return from(SETTINGS.parse(env));
    }

    /** The store {@link #SETTINGS} (as part of a service's settings) describe. */
    public static StoreConfig from(Values values) {
        return new StoreConfig(values.get(ENDPOINT), values.get(REGION), values.get(ACCESS_KEY), values.get(SECRET_KEY), values.get(BUCKET));
    }

    /** Never the secret key. */
    @Override
    public String toString() {
        return "StoreConfig[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey + ", secretKey=[hidden], bucket="
                + bucket + "]";
    }

    private static void require(String value, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " must be set");
        }
    }
}
