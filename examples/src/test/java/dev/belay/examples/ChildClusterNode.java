package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cluster-node} fixture in a child JVM on a free port, for tests that kill a node the
 * hard way: {@link #kill()} sends SIGKILL (no goodbye, no socket leaves cleanly).
 *
 * <pre>{@code
 * try (ChildClusterNode a = ChildClusterNode.start(redis.uri())) {
 *   connect("http://127.0.0.1:" + a.port());
 *   a.kill();
 * }
 * }</pre>
 *
 * <p>Threading: a daemon thread drains the child's output; the methods are for the test thread.
 */
final class ChildClusterNode implements AutoCloseable {
  private final Process process;
  private final int port;

  private ChildClusterNode(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the child (with {@code flags}, such as {@code --forwarding}) and waits (up to 60 s) until it listens. */
  static ChildClusterNode start(String redisUri, String... flags) throws Exception {
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "cluster-node", "--port", Integer.toString(port), "--redis", redisUri));
    command.addAll(List.of(flags));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("listening on ")) listening.complete(line);
          System.out.println("[node " + port + "] " + line); // its log, in the test's output
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new AssertionError("the child node exited before listening"));
    }, "child-node-output");
    pump.setDaemon(true);
    pump.start();
    try {
      assertEquals("listening on " + port, listening.get(60, TimeUnit.SECONDS));
    } catch (Exception | AssertionError e) {
      child.destroyForcibly();
      throw e;
    }
    return new ChildClusterNode(child, port);
  }

  int port() {
    return port;
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the child node did not die");
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
