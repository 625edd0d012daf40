package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The web interface in a real browser: Debian's Chromium, headless, driven through Debian's chromedriver (Selenium
 * is pointed at both, so it never downloads anything), against the packaged application. Screenshots of the main
 * screens go to {@code target/screenshots/}. One browser serves the tests of this class; the public link is opened
 * in a second, fresh one (its own profile: no session, no storage).
 */
class WebInterfaceIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Path SHOTS = Paths.get("target/screenshots").toAbsolutePath();
    private static final Path WORK = Paths.get("target/webui-it").toAbsolutePath();
    private static final String PASSWORD = "web interface password 1";

    private static RunningApp app;
    private static Api admin;
    private static ChromeDriver browser;
    private static final List<ChromeDriver> others = new ArrayList<>();
    private static final Map<ChromeDriver, Path> DOWNLOADS = new java.util.HashMap<>();

    @BeforeAll
    static void startBrowser() throws IOException {
        assertThat(CHROMIUM).as("Chromium (apt-get install chromium; ./filestore test installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
        app = RunningApp.get();
        admin = new Api(app, RunningApp.ADMIN);
        Files.createDirectories(SHOTS);
        Files.createDirectories(WORK);
        browser = newBrowser("main");
    }

    @AfterAll
    static void stopBrowsers() {
        for (ChromeDriver driver : others) {
            driver.quit();
        }
    }

    private static ChromeDriver newBrowser(String name) throws IOException {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory(WORK, "profile-" + name + "-");
        Path downloads = Files.createDirectories(WORK.resolve("downloads-" + name + "-" + UUID.randomUUID()));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        others.add(driver);
        DOWNLOADS.put(driver, downloads);
        return driver;
    }

    private static Path downloadsOf(ChromeDriver driver) {
        return DOWNLOADS.get(driver);
    }

    // -----------------------------------------------------------------------------------------------------------

    @Test
    void firstLoadStaysUnderThePageWeightBudgetAndTheApiStaysClosed() throws Exception {
        HttpResponse<String> page = Api.HTTP.send(HttpRequest.newBuilder(app.uri("/"))
                .header("Accept", "text/html").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        String html = gunzipIfNeeded(page);
        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:href|src)=\"(/[^\"]+)\"").matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).anyMatch(a -> a.endsWith(".js")).anyMatch(a -> a.endsWith(".css"));
        long total = page.body().getBytes(StandardCharsets.ISO_8859_1).length;
        StringBuilder report = new StringBuilder("/ " + total + " B");
        for (String asset : assets) {
            assertThat(asset).as("served by the application, no CDN").startsWith("/");
            HttpResponse<byte[]> response = Api.HTTP.send(HttpRequest.newBuilder(app.uri(asset))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(asset).isEqualTo(200);
            if (asset.endsWith(".js") || asset.endsWith(".css")) {
                assertThat(response.headers().firstValue("Content-Encoding")).as(asset).contains("gzip");
            }
            total += response.body().length;
            report.append(", ").append(asset).append(' ').append(response.body().length).append(" B");
        }
        System.out.println("web interface first load: " + total + " B compressed (" + report + ")");
        assertThat(total).as("first load, compressed").isLessThan(500 * 1024);

        HttpResponse<String> script = Api.HTTP.send(HttpRequest.newBuilder(app.uri("/api/files"))
                .header("X-Requested-With", "filestore-web").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(401);
        assertThat(script.headers().firstValue("WWW-Authenticate")).as("no Basic: no browser password dialog")
                .contains("Bearer realm=\"filestore\"");
        HttpResponse<String> plain = Api.HTTP.send(HttpRequest.newBuilder(app.uri("/api/files")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.headers().firstValue("WWW-Authenticate").orElse("")).contains("Basic");
    }

    @Test
    void signsInUploadsWithProgressSearchesAndSignsOut() throws Exception {
        String user = newAccount();
        String stem = "quarterly" + UUID.randomUUID().toString().substring(0, 6);
        Path a = Files.writeString(WORK.resolve(stem + "-summary.txt"), "the summary of the quarter\n");
        Path b = Files.write(WORK.resolve(stem + "-data.bin"), random(3 * 1024 * 1024));

        signIn(user);
        shot("files-empty");
        browser.findElement(By.id("file-picker")).sendKeys(a + "\n" + b);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.until(d -> d.findElements(By.cssSelector(".upload-row[data-state=done]")).size() == 2);
        for (WebElement row : browser.findElements(By.cssSelector(".upload-row"))) {
            assertThat(Long.parseLong(row.getDomAttribute("data-progress-events"))).as("progress shown").isPositive();
            assertThat(row.getDomAttribute("data-file-id")).isNotBlank();
        }
        assertThat(browser.findElement(By.id("upload-total-text")).getText()).contains("2 of 2 files").contains("(100%)");
        wait.until(d -> d.findElements(By.cssSelector("table.files a.file-link")).size() == 2);
        shot("files-uploaded");

        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys(stem.substring(0, 7)); // as you type: a prefix of the name
        wait.until(d -> d.getCurrentUrl().contains("#/search"));
        wait.until(d -> d.findElements(By.cssSelector("#results table.files tr[data-file-id]")).size() == 2);
        search.sendKeys(stem.substring(7) + " summary");
        wait.until(d -> d.findElements(By.cssSelector("#results table.files tr[data-file-id]")).size() == 1);
        assertThat(browser.findElements(By.cssSelector("#results mark")).stream().map(WebElement::getText))
                .anySatisfy(t -> assertThat(t.toLowerCase()).isEqualTo("summary"));
        shot("search");
        browser.findElement(By.id("search")).clear();
        browser.get(app.uri("/#/search?q=" + stem).toString());
        wait.until(d -> d.findElements(By.cssSelector("a.facet-mimeType")).size() == 2);
        browser.findElements(By.cssSelector("a.facet-mimeType")).stream()
                .filter(e -> e.getText().startsWith("text/")).findFirst().orElseThrow().click();
        wait.until(d -> d.getCurrentUrl().contains("mimeType=text"));
        wait.until(d -> d.findElements(By.cssSelector("#results table.files tr[data-file-id]")).size() == 1);

        // metadata edit moves the summary into a folder; the root then shows the folder, which lists it
        String summaryId = browser.findElements(By.cssSelector(".upload-row")).stream()
                .filter(r -> r.getDomAttribute("data-name").endsWith("-summary.txt")).findFirst().orElseThrow()
                .getDomAttribute("data-file-id");
        browser.findElement(By.id("clear-uploads")).click();
        assertThat(browser.findElements(By.cssSelector(".upload-row"))).isEmpty();
        browser.get(app.uri("/#/file/" + summaryId).toString());
        wait.until(d -> d.findElements(By.id("md-folder")).size() == 1);
        browser.findElement(By.id("md-folder")).clear();
        browser.findElement(By.id("md-folder")).sendKeys("/reports/" + stem);
        browser.findElement(By.id("md-tags")).sendKeys("finance, q3");
        browser.findElement(By.id("md-description")).sendKeys("numbers of the quarter");
        browser.findElement(By.id("md-save")).click();
        wait.until(d -> data(new Api(app, user).get("/api/files/" + summaryId)).get("metadata").get("folder")
                .asString().equals("/reports/" + stem));
        JsonNode metadata = data(new Api(app, user).get("/api/files/" + summaryId)).get("metadata");
        assertThat(metadata.get("tags").toString()).contains("finance").contains("q3");
        assertThat(metadata.get("description").asString()).isEqualTo("numbers of the quarter");
        browser.get(app.uri("/#/files").toString());
        wait.until(d -> d.findElements(By.linkText("\uD83D\uDCC1 reports")).size() == 1);
        browser.findElement(By.linkText("\uD83D\uDCC1 reports")).click();
        wait.until(d -> d.findElements(By.linkText("\uD83D\uDCC1 " + stem)).size() == 1);
        browser.findElement(By.linkText("\uD83D\uDCC1 " + stem)).click();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-file-id='" + summaryId + "']")).size() == 1);
        assertThat(browser.findElements(By.cssSelector("table.files tr[data-file-id]"))).hasSize(1);

        // a phone in dark mode
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            String background = (String) ((JavascriptExecutor) browser)
                    .executeScript("return getComputedStyle(document.body).backgroundColor");
            assertThat(background).as("dark background").isEqualTo("rgb(20, 22, 26)");
            Number width = (Number) ((JavascriptExecutor) browser)
                    .executeScript("return document.documentElement.scrollWidth");
            assertThat(width.intValue()).as("no sideways scrolling on a phone").isLessThanOrEqualTo(390);
            shot("phone-dark");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }

        String tokenId = (String) ((JavascriptExecutor) browser)
                .executeScript("return JSON.parse(sessionStorage.getItem('filestore.session')).tokenId");
        browser.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signin-user")));
        JsonNode tokens = data(new Api(app, user).get("/api/me/tokens")).get("tokens");
        assertThat(tokens).anySatisfy(t -> {
            assertThat(t.get("tokenId").asString()).isEqualTo(tokenId);
            assertThat(t.get("revokedAt")).isNotNull();
        });
    }

    @Test
    void anUploadResumesAtTheServicesOffsetAfterAPauseAndAfterACutConnection() throws Exception {
        String user = newAccount();
        byte[] content = random(8 * 1024 * 1024);
        Path file = Files.write(WORK.resolve("resumable-" + UUID.randomUUID() + ".bin"), content);
        // the browser reaches the service through a proxy that the test can cut
        TcpProxy proxy = new TcpProxy(app.uri("/"));
        String base = "http://127.0.0.1:" + proxy.port() + "/";
        signIn(user, PASSWORD, base);
        // 1 MiB/s out of the browser, so there is time to pause and cut mid-file
        browser.setNetworkConditions(new ChromiumNetworkConditions() {
            {
                setLatency(Duration.ofMillis(5));
                setUploadThroughput(1024 * 1024);
                setDownloadThroughput(50 * 1024 * 1024);
            }
        });
        try {
            browser.findElement(By.id("file-picker")).sendKeys(file.toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            By row = By.cssSelector(".upload-row[data-name='" + file.getFileName() + "']");
            wait.until(d -> sent(d, row) > 1024 * 1024);
            browser.findElement(row).findElement(By.cssSelector("button.pause")).click();
            wait.until(d -> "paused".equals(d.findElement(row).getDomAttribute("data-state")));
            shot("upload-paused");
            Thread.sleep(500); // let the service finish with the aborted request
            browser.findElement(row).findElement(By.cssSelector("button.pause")).click();
            wait.until(d -> "1".equals(d.findElement(row).getDomAttribute("data-resumes")));
            long pausedAt = Long.parseLong(browser.findElement(row).getDomAttribute("data-resumed-at"));
            assertThat(pausedAt).as("resumed from the service's offset after the pause")
                    .isBetween(1L, (long) content.length - 1);

            wait.until(d -> sent(d, row) > pausedAt + 1024 * 1024);
            proxy.stop(); // the connection is cut mid-PATCH, and new ones are refused for a moment
            wait.until(d -> d.findElement(row).getDomAttribute("data-retries") != null);
            Thread.sleep(1500);
            proxy.start();
            wait.until(d -> "done".equals(d.findElement(row).getDomAttribute("data-state")));
            assertThat(Integer.parseInt(browser.findElement(row).getDomAttribute("data-resumes"))).isEqualTo(2);
            assertThat(Long.parseLong(browser.findElement(row).getDomAttribute("data-resumed-at")))
                    .as("resumed from the service's offset after the cut").isGreaterThan(pausedAt);
            String fileId = browser.findElement(row).getDomAttribute("data-file-id");
            JsonNode stored = data(new Api(app, user).get("/api/files/" + fileId));
            assertThat(stored.get("size").asLong()).isEqualTo(content.length);
            assertThat(stored.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(content));
        } finally {
            browser.deleteNetworkConditions();
            proxy.stop();
        }
    }

    private static long sent(WebDriver driver, By row) {
        String sent = driver.findElement(row).getDomAttribute("data-sent");
        return sent == null ? 0 : Long.parseLong(sent);
    }

    @Test
    void previewsRollsBackSharesByLinkTrashesAndRestores() throws Exception {
        String user = newAccount();
        Api owner = new Api(app, user);
        String textId = owner.upload("notes-" + UUID.randomUUID().toString().substring(0, 6) + ".txt",
                "first words".getBytes(StandardCharsets.UTF_8));
        assertThat(owner.send(owner.request("/api/files/" + textId).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("second words")).build()).statusCode()).isEqualTo(200);
        HttpResponse<String> image = owner.uploadMultipart("dot.png", "image/png", png(), null);
        assertThat(image.statusCode()).isEqualTo(201);
        String imageId = data(image).get("fileId").asString();

        signIn(user);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(app.uri("/#/file/" + imageId).toString());
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('image-preview'); return !!i && i.complete && i.naturalWidth === 40")));
        shot("file-image");

        browser.get(app.uri("/#/file/" + textId).toString());
        wait.until(d -> d.findElements(By.id("text-preview")).size() == 1);
        assertThat(browser.findElement(By.id("text-preview")).getText()).isEqualTo("second words");
        wait.until(d -> d.findElements(By.cssSelector("#versions tr[data-version='1'] button.rollback")).size() == 1);
        shot("file-text");
        browser.findElement(By.cssSelector("#versions tr[data-version='1'] button.rollback")).click();
        browser.findElement(By.id("dialog-ok")).click();
        wait.until(d -> d.findElements(By.cssSelector("#versions tr[data-version='3']")).size() == 1
                && d.findElements(By.id("text-preview")).size() == 1
                && d.findElement(By.id("text-preview")).getText().equals("first words"));
        assertThat(data(owner.get("/api/files/" + textId)).get("version").asInt()).isEqualTo(3);

        // a public link with a password, opened in a fresh browser
        browser.findElement(By.id("share-button")).click();
        browser.findElement(By.id("share-password")).sendKeys("open sesame");
        browser.findElement(By.id("share-max")).sendKeys("5");
        browser.findElement(By.id("share-submit")).click();
        wait.until(d -> d.findElements(By.id("share-link")).size() == 1);
        String link = browser.findElement(By.id("share-link")).getDomProperty("value");
        shot("share-dialog");
        browser.findElement(By.cssSelector("#share-dialog button[type=button]:not(#copy-link)")).click();
        assertThat(link).startsWith(app.uri("/").toString().replaceAll("/$", "")).contains("/#/s/");

        ChromeDriver stranger = newBrowser("stranger");
        stranger.get(link);
        WebDriverWait strangerWait = new WebDriverWait(stranger, Duration.ofSeconds(60));
        strangerWait.until(d -> d.findElements(By.id("link-password")).size() == 1);
        stranger.findElement(By.id("link-password")).sendKeys("wrong one");
        stranger.findElement(By.id("link-unlock")).click();
        strangerWait.until(d -> d.findElement(By.id("link-status")).getText().contains("Wrong password"));
        stranger.findElement(By.id("link-password")).clear();
        stranger.findElement(By.id("link-password")).sendKeys("open sesame");
        stranger.findElement(By.id("link-unlock")).click();
        strangerWait.until(d -> d.findElements(By.id("link-name")).size() == 1
                && d.findElement(By.id("link-status")).getText().equals("Downloaded."));
        assertThat(stranger.findElement(By.id("link-name")).getText()).startsWith("notes-");
        Path downloads = downloadsOf(stranger);
        strangerWait.until(d -> {
            try (var files = Files.list(downloads)) {
                return files.anyMatch(f -> f.getFileName().toString().startsWith("notes-")
                        && f.getFileName().toString().endsWith(".txt"));
            } catch (IOException e) {
                return false;
            }
        });
        try (var files = Files.list(downloads)) {
            Path got = files.filter(f -> f.getFileName().toString().endsWith(".txt")).findFirst().orElseThrow();
            assertThat(Files.readString(got)).isEqualTo("first words");
        }
        shot(stranger, "public-link");
        stranger.quit();
        others.remove(stranger);

        // trash and restore
        browser.get(app.uri("/#/file/" + textId).toString());
        wait.until(d -> d.findElements(By.id("trash-button")).size() == 1);
        browser.findElement(By.id("trash-button")).click();
        browser.findElement(By.id("dialog-ok")).click();
        wait.until(d -> owner.get("/api/files/" + textId).statusCode() == 404);
        browser.get(app.uri("/#/trash").toString());
        wait.until(d -> d.findElements(By.cssSelector("tr[data-file-id='" + textId + "'] button.restore")).size() == 1);
        shot("trash");
        // the trash list may render again meanwhile (its row is then replaced): click the row on screen now
        wait.until(d -> {
            try {
                d.findElement(By.cssSelector("tr[data-file-id='" + textId + "'] button.restore")).click();
                return true;
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
        wait.until(d -> owner.get("/api/files/" + textId).statusCode() == 200);
        browser.get(app.uri("/#/files").toString());
        wait.until(d -> d.findElements(By.cssSelector("tr[data-file-id='" + textId + "']")).size() == 1);

        // shared with another user as a viewer, who then finds it under "Shared with me"
        String reader = newAccount();
        browser.get(app.uri("/#/file/" + textId).toString());
        wait.until(d -> d.findElements(By.id("share-button")).size() == 1);
        browser.findElement(By.id("share-button")).click();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("share-kind"))).selectByValue("user");
        browser.findElement(By.id("share-who")).sendKeys(reader);
        browser.findElement(By.id("share-submit")).click();
        wait.until(d -> d.findElement(By.id("share-result")).getText().contains("Shared with user:" + reader));
        browser.findElement(By.cssSelector("#share-dialog button[type=button]:not(#copy-link)")).click();
        wait.until(d -> d.findElements(By.cssSelector("#shares button.revoke")).size() == 2);
        signIn(reader);
        browser.get(app.uri("/#/shared").toString());
        wait.until(d -> d.findElements(By.cssSelector("tr[data-file-id='" + textId + "']")).size() == 1);
        shot("shared-with-me");
        browser.findElement(By.cssSelector("tr[data-file-id='" + textId + "'] a.file-link")).click();
        wait.until(d -> d.findElements(By.id("text-preview")).size() == 1);
        assertThat(browser.findElements(By.id("share-button"))).as("a viewer cannot share").isEmpty();
        assertThat(browser.findElements(By.id("md-save"))).as("a viewer cannot edit").isEmpty();
    }

    @Test
    void anAdministratorCreatesAUserWhoCanThenSignIn() throws Exception {
        signIn(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(app.uri("/#/admin/users").toString());
        wait.until(d -> d.findElements(By.id("new-user-id")).size() == 1);
        String id = "web-" + UUID.randomUUID().toString().substring(0, 8);
        browser.findElement(By.id("new-user-id")).sendKeys(id);
        browser.findElement(By.id("new-user-name")).sendKeys("Made In The Browser");
        browser.findElement(By.id("new-user-password")).sendKeys(PASSWORD);
        browser.findElement(By.id("create-user")).click();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-user-id='" + id + "']")).size() == 1);
        shot("admin-users");
        String basic = java.util.Base64.getEncoder().encodeToString((id + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> me = Api.HTTP.send(HttpRequest.newBuilder(app.uri("/api/me"))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);

        browser.get(app.uri("/#/admin/backups").toString());
        wait.until(d -> d.findElements(By.id("start-backup")).size() == 1);
        int before = browser.findElements(By.cssSelector("#backups tr[data-backup-id]")).size();
        browser.findElement(By.id("start-backup")).click();
        new WebDriverWait(browser, Duration.ofSeconds(180)).pollingEvery(Duration.ofSeconds(2)).until(d -> {
            if (d.findElements(By.cssSelector("#backups tr[data-backup-id]")).size() > before
                    && d.findElements(By.xpath("//table[@id='backups']//td[contains(., 'RUNNING')]")).isEmpty()) {
                return true;
            }
            d.navigate().refresh();
            return false;
        });
        assertThat(browser.findElement(By.id("backups")).getText()).contains("COMPLETED");
        shot("admin-backups");
        browser.get(app.uri("/#/admin/status").toString());
        wait.until(d -> d.findElements(By.id("projections")).size() == 1);
        assertThat(browser.findElement(By.id("projections")).getText()).contains("metadata").contains("search");
        assertThat(browser.findElement(By.id("search-index")).getText()).contains("alias");
        shot("admin-status");
    }

    // -----------------------------------------------------------------------------------------------------------

    private static String newAccount() {
        String id = "web-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = admin.postJson("/api/admin/users",
                "{\"userId\":\"" + id + "\",\"displayName\":\"Web " + id + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return id;
    }

    private static void signIn(String user) {
        signIn(user, PASSWORD);
    }

    private static void signIn(String user, String password) {
        signIn(user, password, app.uri("/").toString());
    }

    private static void signIn(String user, String password, String base) {
        browser.get(base);
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.get(base + "#/files");
        browser.navigate().refresh();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signin-user")));
        browser.findElement(By.id("signin-user")).sendKeys(user);
        browser.findElement(By.id("signin-password")).sendKeys(password, org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signout")));
        wait.until(d -> d.findElements(By.id("dropzone")).size() == 1);
    }

    private static void shot(String name) throws IOException {
        shot(browser, name);
    }

    private static void shot(WebDriver driver, String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 30; y++) {
                image.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String gunzipIfNeeded(HttpResponse<String> response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.ISO_8859_1);
        if (response.headers().firstValue("Content-Encoding").orElse("").contains("gzip")) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
