package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Await;
import dev.belay.testing.EngineClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that got no packet yet has no offset to send; with the Redis adapter it still recovers
 * on another node, from where its socket started (the resume point kept with its session in
 * Redis), with every broadcast sent since and none sent before. Two nodes on a real redis-server;
 * the client's first node stays up but is never heard from again, as when it is killed.
 */
class NoPacketClusterRecoveryTest {
  private static final Pattern CONNECTED = Pattern.compile("0\\{\"sid\":\"([^\"]+)\",\"pid\":\"([^\"]+)\"}");

  @Test
  void aClientThatGotNoPacketRecoversOnAnotherNodeWithWhatItMissed() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RecoveringNode a = RecoveringNode.start(redis.uri());
      RecoveringNode b = RecoveringNode.start(redis.uri());
      RedisClient probeClient = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<String, String> probe = probeClient.connect();
          EngineClient watcher = EngineClient.open(a.base(), "polling");
          EngineClient first = EngineClient.open(a.base(), "polling")) {
        // A has read "before" from the stream once its watcher got it: the client connects after.
        watcher.send("0");
        assertTrue(CONNECTED.matcher(watcher.nextMessage().text()).matches());
        b.io().emit("news", "before");
        assertTrue(watcher.nextMessage().text().startsWith("2[\"news\",\"before\","), "A read the first broadcast");

        first.send("0");
        Matcher connected = CONNECTED.matcher(first.nextMessage().text());
        assertTrue(connected.matches(), connected.toString());
        String socketId = connected.group(1);
        String pid = connected.group(2);
        Await.until(() -> probe.sync().exists("sio:session:" + pid) == 1, "the live session is in Redis");

        b.io().emit("news", "while-away");
        try (EngineClient again = EngineClient.open(b.base(), "polling")) {
          again.send("0{\"pid\":\"" + pid + "\"}");
          assertEquals("0{\"sid\":\"" + socketId + "\",\"pid\":\"" + pid + "\"}", again.nextMessage().text(),
              "the socket resumed on B with its id");
          assertTrue(again.nextMessage().text().matches("2\\[\"news\",\"while-away\",\"[0-9]+-[0-9]+\"]"),
              "the broadcast it missed, with its offset, and not the one from before it connected");
        }
      } finally {
        probeClient.shutdown();
        b.close();
        a.close();
      }
    }
  }
}
