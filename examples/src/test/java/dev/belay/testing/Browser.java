package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Selenium through {@code /usr/bin/chromedriver}, kept off the
 * network (only 127.0.0.1 resolves). Each instance is its own browser profile, so two instances
 * are two independent users. Missing Chromium fails the test with the line to run; it never skips.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *   browser.open("http://127.0.0.1:" + port + "/");
 *   browser.waitUntil("return window.connected === true");
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  public final WebDriver driver;
  private final Path profile;

  private Browser(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static Browser start() {
    return start(new String[0]);
  }

  /**
   * As {@link #start()}, with more Chromium switches (for example {@code --ignore-certificate-errors},
   * for the tests that serve a test certificate).
   */
  public static Browser start(String... extraArguments) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("headless Chromium is required for the browser tests but " + CHROMIUM + " or " + CHROMEDRIVER
          + " is missing. Install it with: sudo apt-get install -y chromium chromium-driver"
          + " (scripts/test.sh does this when run as root)");
    }
    Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
    try {
      Path profile = Files.createTempDirectory("belay-chromium-");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-quic", "--window-size=1280,900", "--user-data-dir=" + profile,
          "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
      options.addArguments(extraArguments);
      return new Browser(new ChromeDriver(service, options), profile);
    } catch (IOException e) {
      throw new AssertionError("cannot create a Chromium profile directory", e);
    }
  }

  public void open(String url) {
    driver.get(url);
  }

  /**
   * Opens a blank page of {@code origin} (so that requests are same-origin) and loads the client
   * script the server serves there; fails the test unless it defines the global {@code io}.
   */
  public void loadServedClient(String origin) {
    loadServedClient(origin, "socket.io.js");
  }

  /** As {@link #loadServedClient(String)}, with another served client file, such as {@code socket.io.min.js}. */
  public void loadServedClient(String origin, String file) {
    open(origin + "/socket.io/" + file); // any page of the origin will do
    js("document.open(); document.write('<html><body></body></html>'); document.close();");
    Object loaded = jsAsync("const done = arguments[arguments.length - 1];"
        + "const s = document.createElement('script'); s.src = arguments[0] + '/socket.io/' + arguments[1];"
        + "s.onload = () => done(typeof io === 'function'); s.onerror = () => done(false);"
        + "document.head.appendChild(s);", origin, file);
    if (!Boolean.TRUE.equals(loaded)) fail("the served script did not define io at " + origin);
  }

  /** Runs a script in the page and returns what it returns. */
  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * Runs an asynchronous script: the last argument passed to it is the callback that ends it.
   * Waits at most {@link Await#BROWSER_TIMEOUT}.
   */
  public Object jsAsync(String script, Object... args) {
    driver.manage().timeouts().scriptTimeout(Await.BROWSER_TIMEOUT);
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Waits until a script (a function body with {@code return}) returns a truthy value. */
  public void waitUntil(String condition) {
    waitUntil(condition, Await.BROWSER_TIMEOUT);
  }

  public void waitUntil(String condition, Duration timeout) {
    new WebDriverWait(driver, timeout, Duration.ofMillis(20)).withMessage("page condition: " + condition)
        .until(d -> {
          Object v = ((JavascriptExecutor) d).executeScript(condition);
          return v != null && !Boolean.FALSE.equals(v) && !"".equals(v) ? Boolean.TRUE : null;
        });
  }

  /** Writes a PNG of the page, for a person to look at. */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new AssertionError("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp profile is harmless
      }
    }
  }
}
