package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.EngineClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node that closes (the end of a drain, a deploy) stores its sockets' sessions in Redis before
 * {@code close()} returns, so an application that shuts its Redis client down right after loses
 * none of them: the clients resume on another node. Two nodes on a real redis-server, polling
 * clients from the test kit.
 */
class ClosingNodeRecoveryTest {
  @Test
  void aClosedNodesClientsResumeOnAnotherNodeEvenWhenRedisIsShutDownRightAfter() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RecoveringNode a = RecoveringNode.start(redis.uri());
      RecoveringNode b = RecoveringNode.start(redis.uri());
      try {
        String pid;
        String socketId;
        String offset;
        try (EngineClient first = EngineClient.open(a.base(), "polling")) {
          first.send("0");
          Matcher connected = Pattern.compile("0\\{\"sid\":\"([^\"]+)\",\"pid\":\"([^\"]+)\"}")
              .matcher(first.nextMessage().text());
          assertTrue(connected.matches(), connected.toString());
          socketId = connected.group(1);
          pid = connected.group(2);
          a.io().emit("tick", 1);
          Matcher tick = Pattern.compile("2\\[\"tick\",1,\"([^\"]+)\"]").matcher(first.nextMessage().text());
          assertTrue(tick.matches(), "a tick with its offset");
          offset = tick.group(1);

          a.close(); // io.close(), then the Redis client at once
        }
        try (EngineClient again = EngineClient.open(b.base(), "polling")) {
          again.send("0{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
          assertEquals("0{\"sid\":\"" + socketId + "\",\"pid\":\"" + pid + "\"}", again.nextMessage().text(),
              "the socket resumed on B with its id");
        }
      } finally {
        b.close();
      }
    }
  }
}
