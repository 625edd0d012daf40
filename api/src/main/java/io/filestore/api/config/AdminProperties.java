package io.filestore.api.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code filestore.admins}: the user ids of system administrators (backup, restore, rebuild, the audit trail across
 * files). Empty by default: nobody is an administrator.
 */
@ConfigurationProperties("filestore")
public record AdminProperties(List<String> admins) {

    public AdminProperties {
        admins = admins == null ? List.of() : admins.stream().map(String::trim).filter(a -> !a.isEmpty()).toList();
    }
}
