package io.filestore.query.metadata;

import io.filestore.query.metadata.api.FileViewChanges;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans of the metadata view that are not components of their own. */
@Configuration(proxyBeanMethods = false)
public class MetadataViewConfiguration {

    @Bean
    public FileViewChanges fileViewChanges() {
        return new FileViewChanges();
    }
}
