package io.filestore.query;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** query-side reads command-side's messages only, never sends commands, and knows nothing above it. */
@AnalyzeClasses(packages = "io.filestore.query", importOptions = ImportOption.DoNotIncludeTests.class)
class QuerySideArchitectureTest {

    @ArchTest
    static final ArchRule onlyCommandMessages = noClasses().should().dependOnClassesThat()
            .resideInAPackage("io.filestore.command")
            .orShould().dependOnClassesThat().resideInAnyPackage("io.filestore.blob..", "io.filestore.api..",
                    "io.filestore.replay..");

    @ArchTest
    static final ArchRule projectionsNeverSendCommands = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.axonframework.commandhandling.gateway..");

    @ArchTest
    static final ArchRule viewApisDoNotDependOnImplementations = noClasses().that()
            .resideInAPackage("io.filestore.query.*.api")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "co.elastic..");
}
