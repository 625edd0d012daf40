package io.filestore.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The file storage service: REST API over the command side, the query-side views and the blob store. */
@SpringBootApplication(scanBasePackages = "io.filestore")
@ConfigurationPropertiesScan("io.filestore")
@EnableScheduling
public class FilestoreApplication {

    public static void main(String[] args) {
        SpringApplication.run(FilestoreApplication.class, args);
    }
}
