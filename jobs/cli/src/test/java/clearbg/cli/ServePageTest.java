package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.serve.ServeServer;
import clearbg.cli.serve.ServeSettings;
import clearbg.cli.serve.ServedModel;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.EngineChoice;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.NetworkLoader;
import clearbg.model.predict.Precision;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The try-it page in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code scripts/setup} installs; other paths through {@code CLEARBG_CHROMIUM} and
 * {@code CLEARBG_CHROMEDRIVER}) opens {@code /}, uploads a photo, and must show the mask and the cut-out and
 * offer the download. The screenshot is kept as {@code target/serve-page.png}.
 */
class ServePageTest {

    @Test
    void thePageCutsOutAnUploadedPhotoAndOffersTheDownload(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("u2netp.safetensors");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "u2netp", "--seed", "5", weights.toString())
                        .exitCode());
        Path photo = dir.resolve("photo.png");
        Files.write(photo, RemoveCommandTest.encode(RemoveCommandTest.photo(320, 240), "png"));
        String chromium = System.getenv().getOrDefault("CLEARBG_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CLEARBG_CHROMEDRIVER", "/usr/bin/chromedriver");
        assertTrue(
                Files.isExecutable(Path.of(chromium)) && Files.isExecutable(Path.of(chromedriver)),
                "Chromium and ChromeDriver are needed at " + chromium + " and " + chromedriver
                        + " (Debian: apt-get install chromium chromium-driver; scripts/setup does it)");
        try (FusedMapNetwork network = NetworkLoader.open(
                        weights,
                        null,
                        320,
                        EngineChoice.onThisMachine(InferenceEngine.ONNXRUNTIME, Precision.FP32),
                        1);
                ServeServer server = new ServeServer(
                        List.of(new ServedModel(
                                "u2netp", new Predictor(network, new PredictorSettings(320, 4)), "page test")),
                        DecodeLimits.defaults(),
                        new ServeSettings("127.0.0.1", 0, 2, 16, 4, 5, 1 << 24, ServeServerTest.MATTING),
                        line -> {})) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments(List.of(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,800"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(chromedriver))
                    .usingAnyFreePort()
                    .build();
            WebDriver driver = new ChromeDriver(service, options);
            try {
                driver.get("http://127.0.0.1:" + server.port() + "/");
                driver.findElement(By.id("file")).sendKeys(photo.toString());
                new WebDriverWait(driver, Duration.ofSeconds(60))
                        .until(d -> d.findElement(By.id("download")).isDisplayed());
                String href = driver.findElement(By.id("download")).getAttribute("href");
                assertTrue(href != null && href.startsWith("blob:"), "download link: " + href);
                JavascriptExecutor js = (JavascriptExecutor) driver;
                for (String image : new String[] {"mask", "cutout"}) {
                    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> (Boolean) js.executeScript(
                            "const i = document.getElementById(arguments[0]);"
                                    + " return i.complete && i.naturalWidth > 0;",
                            image));
                    assertEquals(
                            320L,
                            js.executeScript("return document.getElementById(arguments[0]).naturalWidth;", image),
                            image + " at the photo's size");
                }
                assertTrue(driver.findElement(By.id("status")).getText().startsWith("Done"));
                Files.createDirectories(Path.of("target"));
                Files.write(
                        Path.of("target", "serve-page.png"),
                        ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            } finally {
                driver.quit();
            }
        }
    }
}
