package dev.kinfer.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * Stands in for Apicurio's config-index Quarkus extension, whose build-time artifact is not on Maven Central:
 * the registry runs with no dynamic (runtime-editable) properties.
 */
@ApplicationScoped
public class EmptyDynamicConfig {
    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}
