package dev.kinfer.store;

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
    public StoreConfig {
        require(endpoint, "KINFER_S3_ENDPOINT");
        require(accessKey, "KINFER_S3_ACCESS_KEY");
        require(secretKey, "KINFER_S3_SECRET_KEY");
        require(bucket, "KINFER_S3_BUCKET");
    }

    /** Reads {@code KINFER_S3_*} from the given environment. */
    public static StoreConfig fromEnvironment(Map<String, String> env) {
        return new StoreConfig(env.get("KINFER_S3_ENDPOINT"), env.getOrDefault("KINFER_S3_REGION", "us-east-1"),
                env.get("KINFER_S3_ACCESS_KEY"), env.get("KINFER_S3_SECRET_KEY"), env.getOrDefault("KINFER_S3_BUCKET", "kinfer"));
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
