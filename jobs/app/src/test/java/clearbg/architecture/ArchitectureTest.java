package clearbg.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may import whom, checked on the compiled classes of every module (the README's Architecture section):
 * the model knows neither Spark, MLflow nor the applications; the local command, the shared pipelines and the
 * all-reduce never reach Spark, Hadoop or Scala; the all-reduce needs nothing of the project; no two packages
 * depend on each other in a cycle. The module boundaries make most of this a compile error already; this test
 * also catches what a class path could hide (reflection-free references through a shared package name, a
 * cycle inside one module).
 */
class ArchitectureTest {

    private static final String[] SPARK_WORLD = {"org.apache.spark..", "org.apache.hadoop..", "scala.."};
    private static final String[] PIPELINE_PACKAGES = {
        "clearbg.cli..",
        "clearbg.jobs.options..",
        "clearbg.jobs.params..",
        "clearbg.jobs.files..",
        "clearbg.jobs.train..",
        "clearbg.jobs.remove..",
        "clearbg.jobs.tracking..",
        "clearbg.jobs.report..",
        "clearbg.jobs.allreduce..",
        "clearbg.jobs.torchbridge.."
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importProjectClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("clearbg");
    }

    @Test
    void theModelKnowsNoSparkNoMlflowAndNoApplication() {
        noClasses()
                .that()
                .resideInAPackage("clearbg.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.spark..", "org.apache.hadoop..", "org.mlflow..", "clearbg.jobs..", "clearbg.cli..")
                .check(classes);
    }

    @Test
    void theLocalCommandThePipelinesAndTheAllReduceNeverReachSpark() {
        noClasses()
                .that()
                .resideInAnyPackage(PIPELINE_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SPARK_WORLD)
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("clearbg.jobs.spark..")
                .check(classes);
    }

    @Test
    void theAllReduceNeedsNothingOfTheProject() {
        noClasses()
                .that()
                .resideInAPackage("clearbg.jobs.allreduce..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("clearbg.model..", "clearbg.cli..", "ai.djl..")
                .orShould()
                .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "in another clearbg.jobs package",
                        c -> c.getPackageName().startsWith("clearbg.jobs")
                                && !c.getPackageName().startsWith("clearbg.jobs.allreduce")))
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("clearbg.(**)").should().beFreeOfCycles().check(classes);
    }
}
