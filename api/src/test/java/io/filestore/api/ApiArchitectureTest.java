package io.filestore.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * api reaches command-side only through its messages ({@code command.api}) and query-side only through each view's
 * {@code api} package, as in the architecture page.
 */
@AnalyzeClasses(packages = "io.filestore.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureTest {

    @ArchTest
    static final ArchRule onlyCommandMessages = noClasses().should().dependOnClassesThat()
            .resideInAPackage("io.filestore.command");

    @ArchTest
    static final ArchRule onlyViewApis = noClasses().should().dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe("query-side implementation classes",
                    c -> c.getPackageName().startsWith("io.filestore.query.")
                            && !c.getPackageName().matches("io\\.filestore\\.query\\.[a-z]+\\.api")));
}
