package io.filestore.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** command-side depends on nothing of ours; only its messages package is public. */
@AnalyzeClasses(packages = "io.filestore.command", importOptions = ImportOption.DoNotIncludeTests.class)
class CommandSideArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnNothingOfOurs = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.filestore.query..", "io.filestore.blob..", "io.filestore.api..",
                    "io.filestore.replay..");

    @ArchTest
    static final ArchRule noSpringBootOrJdbc = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.springframework.boot..", "org.springframework.jdbc..", "java.sql..");

    @ArchTest
    static final ArchRule onlyMessagesArePublic = classes().that().resideOutsideOfPackage("io.filestore.command.api..")
            .should().notHaveModifier(JavaModifier.PUBLIC);

    @ArchTest
    static final ArchRule messagesAreRecordsOrExceptions = classes().that().resideInAPackage("io.filestore.command.api")
            .and().areNotAssignableTo(Throwable.class).and().areNotEnums()
            .and().doNotHaveSimpleName("InputRules") // the one home of the input rules the commands apply
            .should().beRecords();
}
