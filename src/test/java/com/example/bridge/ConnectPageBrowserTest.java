package com.example.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.example.bridge.support.FakeOneflow;
import com.example.bridge.support.RunningBridge;
import com.example.bridge.support.TempDirectories;
import com.example.bridge.support.TestDatabase;
import com.example.bridge.support.TestSecurity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The connect page in a real browser: headless Debian Chromium, driven through chromedriver, types a token into the
 * page the bundle serves and reads what the page's script shows. Screenshots of the final pages go to target/browser.
 */
class ConnectPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "browser");
    private static final Duration PAGE_ANSWER = Duration.ofSeconds(20);
    private static final String MISSING_CHROMIUM = "The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
            + ": run .ci/run, or apt-get install --no-install-recommends chromium chromium-driver";

    private static final String TOKEN = FakeOneflow.token("browser");
    private static final String REFUSED_TOKEN = FakeOneflow.token("refused");
    private static final long ACCOUNT = 4711;

    private static TestDatabase database;
    private static FakeOneflow oneflow;
    private static RunningBridge bridge;
    private static Path profile;
    private static ChromeDriverService driverService;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        if (!chromiumInstalled()) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isEmpty()) {
                fail(MISSING_CHROMIUM);
            }
            return;
        }
        database = TestDatabase.create();
        oneflow = new FakeOneflow();
        Map<String, String> properties = new HashMap<>(database.bridgeProperties());
        properties.putAll(oneflow.bridgeProperties());
        bridge = RunningBridge.start(properties);
        profile = Files.createTempDirectory("bridge-chromium");
        // Explicit paths: without them Selenium Manager would try to download a driver and a browser.
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                // No internet here: Chromium is kept from calling home on its own (updates, sync, field trials).
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1024,768", "--user-data-dir=" + profile);
        browser = new ChromeDriver(driverService, options);
    }

    private static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (driverService != null) {
                driverService.stop();
            }
            deleteProfile();
            if (bridge != null) {
                bridge.close();
            }
            if (oneflow != null) {
                oneflow.close();
            }
        }
    }

    private static void deleteProfile() {
        if (profile == null) {
            return;
        }
        try {
            TempDirectories.deleteRecursively(profile);
        } catch (IOException | UncheckedIOException e) {
            // a profile left in the temp folder harms nothing; the bridge and WireMock must still be stopped
        }
    }

    /** Skipped on a developer's machine without the browser (CI, which installs it, fails in start instead). */
    @BeforeEach
    void clean() {
        // Checked per test, not in start: Surefire reports a class aborted in @BeforeAll as 0 tests, with no reason.
        Assumptions.assumeTrue(chromiumInstalled(), MISSING_CHROMIUM);
        database.clear("oneflow_account");
        oneflow.reset();
    }

    @Test
    void a_valid_token_typed_into_the_connect_page_shows_the_linked_account() {
        oneflow.account(TOKEN, ACCOUNT, "Browser & Co AB");

        WebElement result = connect(TOKEN, "ops@browser.example", "connect-success.png");

        assertEquals("ok", result.getDomAttribute("class"), result.getText());
        assertEquals("Connected to Oneflow account Browser & Co AB.", result.getText());
        assertEquals("", browser.findElement(By.id("token")).getDomProperty("value"), "the page clears the token");
        Map<String, Object> row = database.firstRow("SELECT * FROM oneflow_account WHERE account_id = " + ACCOUNT);
        assertNotNull(row, "no row for the linked account");
        assertEquals(TOKEN, TestSecurity.tokenIn(row));
        assertEquals("ops@browser.example", row.get("user_email"));
        assertEquals("Browser & Co AB", row.get("account_name"));
        assertEquals("ENABLED", row.get("status"));
        assertEquals("ops@browser.example", oneflow.requestsWith(TOKEN).get(0).getHeader("x-oneflow-user-email"));
    }

    @Test
    void a_token_oneflow_refuses_shows_the_error_and_saves_nothing() {
        oneflow.status(REFUSED_TOKEN, 401);

        WebElement result = connect(REFUSED_TOKEN, "ops@browser.example", "connect-invalid-token.png");

        assertEquals("error", result.getDomAttribute("class"), result.getText());
        assertEquals("Invalid Oneflow API Token", result.getText());
        assertEquals(REFUSED_TOKEN, browser.findElement(By.id("token")).getDomProperty("value"),
                "the token stays in the field to be corrected");
        assertFalse(browser.findElement(By.tagName("body")).getText().contains(REFUSED_TOKEN), "no token in the text");
        assertEquals(1, oneflow.requestsWith(REFUSED_TOKEN).size());
        assertEquals(0, database.count("oneflow_account"));
    }

    /** Opens the page, fills the form, clicks Connect and waits until the page shows its answer. */
    private WebElement connect(String token, String email, String screenshot) {
        browser.get(bridge.uri("/oneflow/connect").toString());
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("submit")).click();
        try {
            return new WebDriverWait(browser, PAGE_ANSWER)
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        } finally {
            saveScreenshot(screenshot);
        }
    }

    private static void saveScreenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
