package dev.kinfer.credentials;

import dev.kinfer.schemas.RequestRecords;
import java.util.regex.Pattern;

/** Tenant names, as requests carry them ({@link RequestRecords#TENANT}). */
public final class Tenants {
    public static final Pattern NAME = RequestRecords.TENANT;
    /** The tenant of every request when authentication is off. */
    public static final String PUBLIC = "public";

    private Tenants() {
    }

    public static String require(String tenant) {
        if (tenant == null || !NAME.matcher(tenant).matches()) {
            throw new IllegalArgumentException("not a valid tenant name: '" + tenant + "' (expected " + NAME + ")");
        }
        return tenant;
    }
}
