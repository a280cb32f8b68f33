package dev.kinfer.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate record classes outside packages it trusts; kinfer's own generated records
 * are trusted here, once per JVM, so no service or client has to remember a system property.
 */
final class TrustedRecords {
    private static final String PACKAGE = "dev.kinfer.schemas";

    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> PACKAGE.equals(type.getPackageName())));
    }

    private TrustedRecords() {
    }

    /** Runs the static initialiser (idempotent). */
    static void trust() {
        // nothing else to do: loading this class registered the package
    }
}
