/**
 * Every {@code KINFER_*} environment variable is declared once, as a {@link dev.kinfer.schemas.config.Setting} (type,
 * default, rules, doc, secret), in the component that reads it; a service's {@link dev.kinfer.schemas.config.Settings}
 * are parsed before anything starts and report every problem at once, each naming its variable. The README's table
 * of variables is rendered from the declarations ({@link dev.kinfer.schemas.config.SettingsTable}) and checked by
 * local-stack's {@code SettingsTableTest}.
 */
package dev.kinfer.schemas.config;
