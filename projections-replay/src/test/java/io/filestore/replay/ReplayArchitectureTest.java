package io.filestore.replay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** projections-replay sits below api and uses only the public messages of command-side. */
@AnalyzeClasses(packages = "io.filestore.replay", importOptions = ImportOption.DoNotIncludeTests.class)
class ReplayArchitectureTest {

    @ArchTest
    static final ArchRule notTheApplication = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.filestore.api..", "io.filestore.command")
            .allowEmptyShould(true);
}
