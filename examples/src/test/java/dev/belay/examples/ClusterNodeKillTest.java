package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.junit.jupiter.api.Test;

/**
 * A cluster node in a child JVM (the {@code cluster-node} fixture) killed with SIGKILL: the other
 * node sees it gone within the heartbeat timeout (10 s of silence, checked every second), and its
 * requests stop waiting for it.
 */
class ClusterNodeKillTest {
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(1);

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Test
  void aKilledNodeIsSeenDownWithinTheHeartbeatTimeout() throws Exception {
    try (RedisServer redis = RedisServer.start(); ClusterNode survivor = ClusterNode.start("127.0.0.1", 0, redis.uri())) {
      int port = freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "cluster-node", "--port", Integer.toString(port), "--redis", redis.uri())
          .redirectErrorStream(true).start();
      try {
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
          try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
              if (line.startsWith("listening on ")) listening.complete(line);
            }
          } catch (IOException e) {
            listening.completeExceptionally(e);
          }
          listening.completeExceptionally(new AssertionError("the child node exited before listening"));
        });
        pump.setDaemon(true);
        pump.start();
        assertEquals("listening on " + port, listening.get(60, TimeUnit.SECONDS));

        try (Client client = Client.connect(survivor.url(), null)) {
          Instant formed = Instant.now().plus(Duration.ofSeconds(30));
          Object answer;
          do {
            answer = client.request("nodes")[0];
          } while (!(answer instanceof JSONArray a && a.length() == 1) && Instant.now().isBefore(formed));
          assertEquals(List.of("node-" + port), List.of(((JSONArray) answer).get(0).toString()));

          child.destroyForcibly(); // SIGKILL: no goodbye message
          assertTrue(child.waitFor(10, TimeUnit.SECONDS));
          // Its last word came at the latest when it died: it is dropped once 10 s of silence have
          // passed and the once-a-second check has run; one more second of slack for a busy machine.
          Instant deadline = Instant.now().plus(HEARTBEAT_TIMEOUT).plus(CLEANUP_INTERVAL).plusSeconds(1);
          do {
            answer = client.request("nodes")[0];
          } while (!(answer instanceof JSONArray a && a.length() == 0) && Instant.now().isBefore(deadline));
          assertTrue(answer instanceof JSONArray a && a.length() == 0,
              "the killed node is still counted 12 s after it died (10 s heartbeat timeout, 1 s check): " + answer);
        }
      } finally {
        child.destroyForcibly();
      }
    }
  }
}
