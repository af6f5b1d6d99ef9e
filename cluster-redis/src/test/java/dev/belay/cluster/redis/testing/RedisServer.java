package dev.belay.cluster.redis.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server}, started as a child process on a free port in a temp folder with no
 * persistence ({@code --save '' --appendonly no}), restartable on the same port (the fault tests
 * take Redis away and bring it back), and stopped by {@link #close()}. When redis-server is not
 * installed the test fails with a clear message; it never skips (scripts/test.sh installs it).
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   RedisClient client = RedisClient.create(redis.uri());
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
  private static final List<String> CANDIDATES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

  private final String binary;
  private final Path dir;
  private final int port;
  /** The running process, or null while stopped; test thread only. */
  private Process process;

  private RedisServer(String binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts redis-server on a free port of 127.0.0.1 and waits until it accepts connections. */
  public static RedisServer start() {
    try {
      RedisServer server = new RedisServer(findBinary(), Files.createTempDirectory("belay-redis-"), freePort());
      server.launch();
      return server;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the server (SIGKILL: connections drop as in a crash); {@link #restart()} brings it back. */
  public void stop() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) fail("redis-server did not stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    process = null;
  }

  /** Starts the server again on the same port, empty (nothing is persisted). */
  public void restart() {
    stop();
    launch();
  }

  /** Stops the server and removes its directory (its log goes with it: read it before closing). */
  @Override
  public void close() {
    stop();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a directory left in the temp folder is harmless; the server is stopped either way
    }
  }

  private void launch() {
    try {
      process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", dir.toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile())
          .start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + binary + ": " + e.getMessage(), e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) fail("redis-server exited at start:\n" + log());
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
        probe.getOutputStream().write("PING\r\n".getBytes());
        if (probe.getInputStream().read() == '+') return;
      } catch (IOException notYet) {
        // still starting: probe again shortly, until the deadline
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    fail("redis-server did not accept connections on port " + port + " within 20 s:\n" + log());
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  private static String findBinary() {
    for (String candidate : CANDIDATES) {
      if (Files.isExecutable(Path.of(candidate))) return candidate;
    }
    fail("redis-server is required by the cluster tests but was not found (looked in " + CANDIDATES
        + "). Install it: apt-get install redis-server (scripts/test.sh does this when run as root).");
    throw new AssertionError("unreachable");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
