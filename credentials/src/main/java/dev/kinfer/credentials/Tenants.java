package dev.kinfer.credentials;

import java.util.regex.Pattern;

/** Tenant names: safe in keys such as the face gallery's {@code <tenant>/<subject>} (no slash) and in metrics labels. */
public final class Tenants {
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
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
