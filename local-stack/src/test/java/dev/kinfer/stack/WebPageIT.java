package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (Debian's chromium, driven by its chromedriver through Selenium) against the whole
 * stack with its demo models: a background removed from a real photo, shown over the input with a working before/after
 * slider; faces found in a portrait drawn as boxes with scores, two images at once as two jobs; a verification as
 * its two photos and verdict; images dropped and pasted; a file that is not an image answered with the problem's
 * title and detail; the history; a phone-width window without sideways scrolling. Screenshots go to
 * {@code local-stack/target/screenshots/} ({@code -Dkinfer.screenshot.write=true} also refreshes the README's {@code docs/web-page.png}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration JOB = Duration.ofSeconds(90);

    private static LocalStack stack;
    private static StackConfig config;
    private static ChromeDriver browser;
    private static Path screenshots;
    private static Path files;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("apt-get install chromium chromium-driver").exists();
        assertThat(CHROMEDRIVER).as("apt-get install chromium-driver").exists();
        config = TestStacks.fresh("web-page-data");
        stack = LocalStack.start(config);
        screenshots = Files.createDirectories(config.home().resolve("local-stack/target/screenshots"));
        files = Files.createDirectories(config.dataDir().resolve("uploads"));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldPaintFastAndTakeTheKeyOnce() throws Exception {
        browser.get(stack.apiUrl() + "/");
        screenshot("loaded");
        String firstPaint = "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;";
        waitUntil(Duration.ofSeconds(5), () -> script(firstPaint) != null);
        assertThat(((Number) script(firstPaint)).doubleValue()).as("first contentful paint, ms").isLessThan(1000.0);

        browser.findElement(By.id("api-key")).sendKeys(stack.apiKey());
        browser.findElement(By.cssSelector("#key-form button")).click();
        waitUntil(Duration.ofSeconds(20), () -> new Select(browser.findElement(By.id("model"))).getOptions().size() >= 3);
        browser.navigate().refresh();
        waitUntil(Duration.ofSeconds(20), () -> new Select(browser.findElement(By.id("model"))).getOptions().size() >= 3);
        assertThat(browser.findElement(By.id("api-key")).getAttribute("value")).as("kept in the browser's storage").isEqualTo(stack.apiKey());
    }

    @Test
    @Order(2)
    void shouldRemoveABackgroundAndShowItBeforeAndAfter() throws Exception {
        choose("remove-background");
        upload("image", TestPhotos.OPENCV.resolve("messi5.jpg"));
        WebElement card = runAndAwait();

        WebElement output = card.findElement(By.cssSelector(".compare .after img"));
        waitUntil(JOB, () -> (Boolean) script("return arguments[0].complete && arguments[0].naturalWidth > 0", output));
        assertThat(card.findElement(By.cssSelector(".after")).getAttribute("class")).contains("checker");
        WebElement slider = card.findElement(By.cssSelector("input.slider"));
        String before = card.findElement(By.cssSelector(".after")).getAttribute("style");
        slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
        assertThat(slider.getAttribute("value")).isEqualTo("53");
        assertThat(card.findElement(By.cssSelector(".after")).getAttribute("style")).isNotEqualTo(before).contains("53%");
        assertThat(card.findElement(By.cssSelector("a.download")).getAttribute("href")).contains("output.png");
        assertThat(card.findElement(By.cssSelector(".timings")).getText()).contains("queued", "inference", "batch of");
        assertThat(card.findElements(By.cssSelector(".steps li.seen"))).extracting(WebElement::getText)
                .as("told live as the job went through them").containsExactly("queued", "running", "done");
        screenshot("remove-background");
    }

    @Test
    @Order(3)
    void shouldDrawTheFacesFoundInAPortraitOneJobPerImage() throws Exception {
        Path portrait = files.resolve("astronaut.png");
        Files.write(portrait, TestPhotos.astronaut(config.cacheDir()));
        choose("detect-faces");
        int before = browser.findElements(By.cssSelector("#jobs .job")).size();
        browser.findElement(By.id("input-image")).sendKeys(portrait + "\n" + TestPhotos.OPENCV.resolve("fruits.jpg"));
        browser.findElement(By.id("run")).click();
        waitUntil(JOB, () -> browser.findElements(By.cssSelector("#jobs .job .status.SUCCEEDED")).size() == before + 2);
        WebElement card = browser.findElements(By.cssSelector("#jobs .job")).stream()
                .filter(job -> job.findElement(By.tagName("h3")).getText().contains("astronaut.png")).findFirst().orElseThrow();

        waitUntil(Duration.ofSeconds(10), () -> !card.findElements(By.cssSelector(".face")).isEmpty());
        List<WebElement> faces = card.findElements(By.cssSelector(".face"));
        assertThat(faces).isNotEmpty();
        assertThat(faces.getFirst().getText()).matches("0\\.\\d\\d");
        assertThat(faces.getFirst().getSize().getWidth()).as("drawn at the photo's scale").isGreaterThan(20);
        assertThat(card.findElements(By.cssSelector(".point"))).hasSizeGreaterThanOrEqualTo(6);
        screenshot("detect-faces");
    }

    @Test
    @Order(4)
    void shouldShowAVerificationAsTheTwoPhotosAndTheVerdict() throws Exception {
        Path portrait = files.resolve("astronaut.png");
        choose("verify-face");
        upload("image", portrait);
        upload("reference", portrait);
        WebElement card = runAndAwait();

        assertThat(card.findElements(By.cssSelector(".pair img"))).hasSize(2);
        assertThat(card.findElement(By.cssSelector(".verdict")).getText()).startsWith("Same person").contains("similarity 1.000");
    }

    @Test
    @Order(8)
    void shouldShowAClassificationAsLabelledBars() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(config.cacheDir())));
        Path face = files.resolve("astronaut-face.png");
        ImageIO.write(portrait.getSubimage(165, 60, 120, 120), "png", face.toFile());
        choose("classify-expression");
        upload("image", face);
        WebElement card = runAndAwait();

        List<WebElement> bars = card.findElements(By.cssSelector(".bars li"));
        assertThat(bars).as("every expression").hasSize(7);
        assertThat(bars.getFirst().getText()).as("most probable first: the astronaut smiles").startsWith("happy");
        assertThat(bars.getFirst().findElement(By.cssSelector(".bar")).getSize().getWidth())
                .as("a bar as long as its probability").isGreaterThan(bars.get(1).findElement(By.cssSelector(".bar")).getSize().getWidth());
        screenshot("classify");
    }

    @Test
    @Order(5)
    void shouldTakeImagesDroppedOrPastedAsJobs() {
        choose("detect-faces");
        String image = "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
                + " const data = new DataTransfer(); data.items.add(new File([bytes], arguments[1], {type: 'image/png'})); return data;";
        String png = Base64.getEncoder().encodeToString(blankPng());
        script("const data = (() => {" + image + "})(); const drop = new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true});"
                + " document.getElementById('drop').dispatchEvent(drop);", png, "dropped.png");
        script("const data = (() => {" + image + "})(); document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data}));",
                png, "pasted.png");
        assertThat(browser.findElements(By.cssSelector("#thumbnails img"))).extracting(img -> img.getAttribute("alt"))
                .containsExactly("dropped.png", "pasted.png");

        int before = browser.findElements(By.cssSelector("#jobs .job")).size();
        browser.findElement(By.id("run")).click();
        waitUntil(JOB, () -> browser.findElements(By.cssSelector("#jobs .job")).size() == before + 2);
        assertThat(browser.findElements(By.cssSelector("#jobs .job h3"))).extracting(WebElement::getText)
                .anyMatch(title -> title.endsWith("dropped.png")).anyMatch(title -> title.endsWith("pasted.png"));
    }

    @Test
    @Order(6)
    void shouldShowTheProblemOfAFileThatIsNotAnImage() throws Exception {
        Path text = files.resolve("x.png");
        Files.writeString(text, "hello, not an image", StandardCharsets.UTF_8);
        choose("detect-faces");
        upload("image", text);
        browser.findElement(By.id("run")).click();

        WebElement card = browser.findElement(By.cssSelector("#jobs .job"));
        waitUntil(Duration.ofSeconds(20), () -> !card.findElements(By.cssSelector(".problem")).isEmpty());
        assertThat(card.findElement(By.cssSelector(".problem strong")).getText()).isNotBlank();
        assertThat(card.findElement(By.cssSelector(".problem p")).getText()).isNotBlank();
        screenshot("problem");
    }

    @Test
    @Order(7)
    void shouldListTheHistoryAndFitAPhone() throws Exception {
        browser.findElement(By.id("refresh-history")).click();
        waitUntil(Duration.ofSeconds(20), () -> browser.findElements(By.cssSelector("#history li button")).size() >= 2);
        int cards = browser.findElements(By.cssSelector("#jobs .job")).size();
        browser.findElement(By.cssSelector("#history li button")).click();
        waitUntil(Duration.ofSeconds(20), () -> browser.findElements(By.cssSelector("#jobs .job")).size() == cards + 1);
        waitUntil(Duration.ofSeconds(20), () -> browser.findElement(By.cssSelector("#jobs .job .status")).getText().equals("succeeded"));

        browser.manage().window().setSize(new Dimension(375, 800));
        Thread.sleep(300);
        Long overflow = (Long) script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Object widest = script("let w = null; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect();"
                + " if (!w || r.right > w.r) w = {r: r.right, what: e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40)}; }"
                + " return w.what + ' ends at ' + w.r;");
        assertThat(overflow).as("no sideways scrolling at phone width (widest: %s)", widest).isLessThanOrEqualTo(0L);
        screenshot("phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    private static byte[] blankPng() {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void choose(String model) {
        new Select(browser.findElement(By.id("model"))).selectByValue(model);
    }

    private static void upload(String input, Path file) {
        browser.findElement(By.id("input-" + input)).sendKeys(file.toAbsolutePath().toString());
    }

    /** Runs the form and waits for the newest job's card to end; returns it. */
    private static WebElement runAndAwait() {
        int before = browser.findElements(By.cssSelector("#jobs .job")).size();
        browser.findElement(By.id("run")).click();
        waitUntil(Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector("#jobs .job")).size() > before);
        WebElement card = browser.findElement(By.cssSelector("#jobs .job"));
        waitUntil(JOB, () -> card.findElement(By.cssSelector(".status")).getText().equals("succeeded"));
        return card;
    }

    private static Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private static void waitUntil(Duration timeout, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, timeout).until(driver -> condition.getAsBoolean());
    }

    private static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("kinfer.screenshot.write") && name.equals("detect-faces")) { // both jobs side by side: a cut-out and faces
            Files.copy(shot, config.home().resolve("docs/web-page.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
