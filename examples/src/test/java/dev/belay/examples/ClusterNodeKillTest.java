package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  @Test
  void aKilledNodeIsSeenDownWithinTheHeartbeatTimeout() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ClusterNode survivor = ClusterNode.start("127.0.0.1", 0, redis.uri());
        ChildClusterNode child = ChildClusterNode.start(redis.uri());
        Client client = Client.connect(survivor.url(), null)) {
      Instant formed = Instant.now().plus(Duration.ofSeconds(30));
      Object answer;
      do {
        answer = client.request("nodes")[0];
      } while (!(answer instanceof JSONArray a && a.length() == 1) && Instant.now().isBefore(formed));
      assertEquals(List.of("node-" + child.port()), List.of(((JSONArray) answer).get(0).toString()));

      child.kill(); // SIGKILL: no goodbye message
      // Its last word came at the latest when it died: it is dropped once 10 s of silence have
      // passed and the once-a-second check has run; one more second of slack for a busy machine.
      Instant deadline = Instant.now().plus(HEARTBEAT_TIMEOUT).plus(CLEANUP_INTERVAL).plusSeconds(1);
      do {
        answer = client.request("nodes")[0];
      } while (!(answer instanceof JSONArray a && a.length() == 0) && Instant.now().isBefore(deadline));
      assertTrue(answer instanceof JSONArray a && a.length() == 0,
          "the killed node is still counted 12 s after it died (10 s heartbeat timeout, 1 s check): " + answer);
    }
  }
}
