package dev.belay.cluster.redis.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Node Socket.IO 4.8 server with {@code @socket.io/redis-streams-adapter}, run from
 * {@code transports/src/test/node/cluster-node.mjs} (the handlers of Belay's {@code cluster-node}
 * example), joined to the cluster on the given Redis. Node and the npm packages are required: a
 * missing Node fails the test with a clear message.
 *
 * <pre>{@code
 * try (NodeClusterNode node = NodeClusterNode.start(redis.uri())) {
 *   URI uri = URI.create("http://127.0.0.1:" + node.port());
 * }
 * }</pre>
 */
public final class NodeClusterNode implements AutoCloseable {
  /** The interop scripts and their node_modules, from this module's base directory. */
  public static final Path DIR = Path.of("../transports/src/test/node").toAbsolutePath().normalize();

  private final Process process;
  private final int port;
  private final StringBuilder output;

  private NodeClusterNode(Process process, int port, StringBuilder output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts the node and waits (up to 60 s) until it prints {@code listening on N}. */
  public static NodeClusterNode start(String redisUri) {
    ensureInstalled();
    Process process;
    try {
      process = new ProcessBuilder("node", DIR.resolve("cluster-node.mjs").toString(), redisUri)
          .directory(DIR.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start node (is Node.js 20 installed and on PATH?): " + e.getMessage(), e);
    }
    StringBuilder output = new StringBuilder();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.startsWith("listening on ")) listening.complete(Integer.parseInt(line.substring(13).trim()));
        }
      } catch (IOException | RuntimeException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IllegalStateException("node exited"));
    }, "node-cluster-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new NodeClusterNode(process, listening.get(60, TimeUnit.SECONDS), output);
    } catch (Exception e) {
      process.destroyForcibly();
      synchronized (output) {
        throw new AssertionError("the Node cluster node did not start: " + e + "\n" + output, e);
      }
    }
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Kills the process (SIGKILL). */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static synchronized void ensureInstalled() {
    if (Files.isDirectory(DIR.resolve("node_modules/@socket.io/redis-streams-adapter"))) return;
    try {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
          .redirectErrorStream(true).start();
      String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) fail("npm ci in " + DIR + " failed:\n" + out);
    } catch (IOException e) {
      throw new AssertionError("Node.js and npm are required for the cluster interop tests: " + e.getMessage()
          + ". Install Node.js 20 (Debian: apt-get install nodejs npm).", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
