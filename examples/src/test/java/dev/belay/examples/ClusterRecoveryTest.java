package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.cluster.redis.MessagePack;
import dev.belay.cluster.redis.testing.Client;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Await;
import dev.belay.testing.ChaosProxy;
import dev.belay.testing.NodeScript;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery across nodes when a node dies without a word: node A (the
 * {@code cluster-node} fixture in a child JVM) is killed with SIGKILL, and its client, the official
 * socket.io-client reaching it through a proxy that then fails over to node B, recovers on B with
 * the same id and gets every broadcast it missed, once and in order. A's clients' sessions were in
 * Redis while they were live; a client that left A on purpose has none and starts afresh on B.
 */
class ClusterRecoveryTest {
  private static final Duration STEP = Duration.ofSeconds(20);

  @Test
  void aClientOfAKilledNodeRecoversOnAnotherWithEveryBroadcastItMissed() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ClusterNode b = ClusterNode.start("127.0.0.1", 0, redis.uri());
        ChildClusterNode a = ChildClusterNode.start(redis.uri());
        ChaosProxy toStayer = ChaosProxy.faithful(a.port());
        ChaosProxy toLeaver = ChaosProxy.faithful(a.port());
        Client sender = Client.connect(b.url(), null)) {
      RedisClient probeClient = RedisClient.create(redis.uri());
      try (var probe = probeClient.connect();
          ScriptClient stayer = new ScriptClient("stayer", toStayer);
          ScriptClient leaver = new ScriptClient("leaver", toLeaver)) {
        RedisCommands<String, String> redisCommands = probe.sync();
        awaitCluster(sender, a.port());

        JsonObject first = stayer.next("connect");
        assertEquals(false, first.get("recovered").getAsBoolean(), first.toString());
        String id = first.get("id").getAsString();
        String pid = first.get("pid").getAsString();
        JsonObject leaverFirst = leaver.next("connect");
        String leaverId = leaverFirst.get("id").getAsString();
        String leaverPid = leaverFirst.get("pid").getAsString();

        // While connected, each client's session is in Redis under the Node adapter's key and format.
        Await.until(() -> liveRooms(redisCommands, pid, id).contains("r"), STEP, "the stayer's live session in Redis, in room r");
        Await.until(() -> liveRooms(redisCommands, leaverPid, leaverId).contains("r"), STEP, "the leaver's live session in Redis");

        broadcast(sender, "m1"); // gives both clients an offset
        assertEquals("m1", stayer.next("msg").get("msg").getAsString());
        assertEquals("m1", leaver.next("msg").get("msg").getAsString());

        leaver.send("disconnect");
        assertEquals("io client disconnect", leaver.next("disconnect").get("reason").getAsString());
        Await.until(() -> redisCommands.get("sio:session:" + leaverPid) == null, STEP,
            "the session of a client that left on purpose deleted from Redis");

        a.kill();
        stayer.next("disconnect");
        broadcast(sender, "m2");
        broadcast(sender, "m3");
        toStayer.retarget(b.port());
        toLeaver.retarget(b.port());

        JsonObject back = stayer.next("connect");
        assertTrue(back.get("recovered").getAsBoolean(), "recovered on the other node: " + back);
        assertEquals(id, back.get("id").getAsString());
        assertEquals("m2", stayer.next("msg").get("msg").getAsString());
        assertEquals("m3", stayer.next("msg").get("msg").getAsString());

        leaver.send("connect"); // with the pid and offset its client kept
        JsonObject fresh = leaver.next("connect");
        assertEquals(false, fresh.get("recovered").getAsBoolean(), "left on purpose, so nothing to recover: " + fresh);
        assertNotEquals(leaverId, fresh.get("id").getAsString());

        broadcast(sender, "m4"); // nothing came twice before it
        assertEquals("m4", stayer.next("msg").get("msg").getAsString());
        assertEquals("m4", leaver.next("msg").get("msg").getAsString());

        // An unexpected disconnect from B replaces the live session with the persisted one.
        Await.until(() -> liveRooms(redisCommands, pid, id).contains("r"), STEP, "the recovered socket's live session");
        toStayer.cutAll();
        stayer.next("disconnect");
        JsonObject again = stayer.next("connect");
        assertTrue(again.get("recovered").getAsBoolean(), "recovered after a cut: " + again);
        assertEquals(id, again.get("id").getAsString());
        broadcast(sender, "m5");
        assertEquals("m5", stayer.next("msg").get("msg").getAsString());
      } finally {
        probeClient.shutdown();
      }
    }
  }

  /** Waits until B hears from A (A's adapter subscribed): its answer to {@code hello} arrives. */
  private static void awaitCluster(Client sender, int aPort) {
    Instant deadline = Instant.now().plus(STEP);
    Object answer;
    do {
      answer = sender.request("nodes")[0];
    } while (!(answer instanceof JSONArray list && list.length() == 1) && Instant.now().isBefore(deadline));
    assertEquals("[\"node-" + aPort + "\"]", String.valueOf(answer));
  }

  private static void broadcast(Client sender, String msg) {
    assertEquals("ok", String.valueOf(sender.request("broadcast", new org.json.JSONObject(Map.of("room", "r", "msg", msg)))[0]));
  }

  /** The rooms of the session kept under {@code pid}, checking it is {@code sid}'s; empty when there is none. */
  private static List<?> liveRooms(RedisCommands<String, String> redis, String pid, String sid) {
    String stored = redis.get("sio:session:" + pid);
    if (stored == null) return List.of();
    try {
      Map<?, ?> session = (Map<?, ?>) MessagePack.decode(Base64.getDecoder().decode(stored));
      assertEquals(sid, session.get("sid"));
      assertEquals(pid, session.get("pid"));
      return (List<?>) session.get("rooms");
    } catch (Exception e) {
      throw new AssertionError("not a session in the Node adapter's format: " + stored, e);
    }
  }

  /** recovery-cluster.mjs, the official client, through {@code proxy}, joining room {@code r}. */
  private static final class ScriptClient implements AutoCloseable {
    private final String name;
    private final NodeScript.Running script;

    ScriptClient(String name, ChaosProxy proxy) {
      this.name = name;
      this.script = NodeScript.start("recovery-cluster.mjs", "http://127.0.0.1:" + proxy.port(), "r");
    }

    /** The next thing that happens to the client, which must be {@code event} (failed reconnection attempts aside). */
    JsonObject next(String event) {
      while (true) {
        JsonObject line = JsonParser.parseString(script.nextLine(STEP)).getAsJsonObject();
        String happened = line.get("event").getAsString();
        if (happened.equals(event)) return line;
        if (!happened.equals("connect_error")) fail(name + " expected " + event + " but got " + line);
      }
    }

    void send(String command) {
      script.send(command);
    }

    @Override
    public void close() {
      script.close();
    }
  }
}
