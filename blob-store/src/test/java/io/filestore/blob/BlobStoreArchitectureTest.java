package io.filestore.blob;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** blob-store is a plain library: nothing of ours, no Axon, no Spring. */
@AnalyzeClasses(packages = "io.filestore.blob", importOptions = ImportOption.DoNotIncludeTests.class)
class BlobStoreArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnNothingOfOurs = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.filestore.command..", "io.filestore.query..", "io.filestore.api..",
                    "io.filestore.replay..");

    @ArchTest
    static final ArchRule noFrameworks = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.axonframework..", "org.springframework..");
}
