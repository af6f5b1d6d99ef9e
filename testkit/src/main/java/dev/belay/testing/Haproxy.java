package dev.belay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real HAProxy, started as a child process in the foreground ({@code haproxy -db -f cfg}) with a
 * config written to a temp folder, and stopped by {@link #close()}. Its log goes to its stdout,
 * kept in a file: a config that says {@code log stdout format raw local0} in {@code global} and
 * {@code log global} where it logs makes each logged request a line of {@link #log()}. When HAProxy
 * is not installed the test fails with a clear message; it never skips (CI installs the Debian
 * package {@code haproxy}).
 *
 * <pre>{@code
 * int port = Haproxy.freePort();
 * try (Haproxy haproxy = Haproxy.start(config.replace("bind :8080", "bind 127.0.0.1:" + port), port)) {
 *   URI uri = URI.create("http://127.0.0.1:" + haproxy.port() + "/");
 * }
 * }</pre>
 */
public final class Haproxy implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final int port;
  private final int statsPort;

  private Haproxy(Path dir, Process process, int port, int statsPort) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.statsPort = statsPort;
  }

  /** A free TCP port on 127.0.0.1 (free when asked; HAProxy binds it right after). */
  public static int freePort() {
    return ChildProxy.freePort();
  }

  /**
   * Runs HAProxy with the whole configuration {@code config}, which binds {@code port}, plus a
   * stats listener of its own on another free port (for {@link #serverUp}).
   */
  public static Haproxy start(String config, int port) {
    String binary = ChildProxy.findBinary("haproxy", "haproxy");
    try {
      Path dir = Files.createTempDirectory("belay-haproxy-");
      Path cfg = dir.resolve("haproxy.cfg");
      int statsPort = ChildProxy.freePort();
      Files.writeString(cfg, config + "\nlisten belay_test_stats\n  mode http\n  bind 127.0.0.1:" + statsPort
          + "\n  stats enable\n  stats uri /stats\n", StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(binary, "-db", "-f", cfg.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
      Haproxy haproxy = new Haproxy(dir, process, port, statsPort);
      ChildProxy.awaitListening("haproxy", process, port, haproxy::log);
      return haproxy;
    } catch (IOException e) {
      throw new AssertionError("cannot start haproxy: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * Whether HAProxy's health checks count {@code server} of {@code backend} as up, so that it
   * sends it requests (from its stats, {@code /stats;csv}).
   */
  public boolean serverUp(String backend, String server) {
    try (InputStream in = URI.create("http://127.0.0.1:" + statsPort + "/stats;csv").toURL().openStream()) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] fields = line.split(",");
        // pxname, svname, ..., status is the 18th field
        if (fields.length > 17 && fields[0].equals(backend) && fields[1].equals(server)) {
          return fields[17].startsWith("UP");
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Everything HAProxy printed so far: its warnings and, when so configured, its request log. */
  public String log() {
    return ChildProxy.read(dir, "stdout.log");
  }

  @Override
  public void close() {
    ChildProxy.stop(process, dir); // SIGTERM: HAProxy's hard stop
  }
}
