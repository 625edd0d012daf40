package io.filestore.api.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.search.*}: {@code read-your-writes} makes every write (upload, new version, metadata change,
 * delete, restore) wait, bounded by {@code filestore.read-your-writes-timeout}, until a search by the writer sees
 * the change; off, writes return as soon as the metadata view has it and search follows within about a second.
 */
@ConfigurationProperties("filestore.search")
public record SearchProperties(@DefaultValue("true") boolean readYourWrites) {
}
