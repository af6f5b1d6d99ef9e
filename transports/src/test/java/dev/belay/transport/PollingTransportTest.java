package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.testing.TestEngine;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Long-polling with a raw HTTP client: handshake, payloads both ways, held polls. */
class PollingTransportTest {
  private final TestEngine server = TestEngine.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void handshakeAnswersTheOpenPacketWithFiveKeys() {
    HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=polling&t=abc"));
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertTrue(r.body().startsWith("0"));
    JsonObject open = JsonParser.parseString(r.body().substring(1)).getAsJsonObject();
    assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"), open.keySet());
    assertEquals("[\"websocket\",\"sse\"]", open.get("upgrades").toString());
    assertTrue(open.get("sid").getAsString().matches("[A-Za-z0-9_-]{22}"), "128-bit URL-safe sid");
  }

  @Test
  void sidsAreUnique() {
    Set<String> sids = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) assertTrue(sids.add(RawHttp.openPolling(server)));
  }

  @Test
  void onePlainTextPacketEchoes() {
    String sid = RawHttp.openPolling(server);
    HttpResponse<String> post = RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "4hello");
    assertEquals(200, post.statusCode());
    assertEquals("ok", post.body());
    assertEquals("4hello", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }

  @Test
  void severalPacketsTextAndBinaryEchoInOnePayload() {
    String sid = RawHttp.openPolling(server);
    RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "4test1\u001e4test2\u001ebAQIDBA==");
    // "ok" comes only after the listeners have seen the messages, so their replies are all queued
    // by then and the next poll carries every one (the official suite expects exactly this).
    java.util.List<String> packets = new java.util.ArrayList<>();
    for (String p : RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body().split("\u001e")) {
      if (!p.equals("2")) packets.add(p); // a heartbeat may share the poll
    }
    assertEquals(java.util.List.of("4test1", "4test2", "bAQIDBA=="), packets);
  }

  @Test
  void unicodeTravelsAsUtf8() {
    String sid = RawHttp.openPolling(server);
    String text = "4h\u00e9llo \uD83D\uDE00 \u2028 \u0000 \r\n";
    RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), text);
    assertEquals(text, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }

  @Test
  void aHeldPollIsAnsweredWhenTheServerSends() {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    CompletableFuture<HttpResponse<String>> poll = RawHttp.getAsync(server.url("EIO=4&transport=polling&sid=" + sid));
    assertFalse(poll.isDone());
    // The session sees the poll only once it is pending; sending before that is buffered either way.
    assertTrue(socket.send("from server"));
    assertEquals("4from server", Await.get(poll, "the held poll").body());
  }

  @Test
  void serverPingsAndClientPongsKeepTheSession() {
    String sid = RawHttp.openPolling(server);
    for (int i = 0; i < 3; i++) {
      assertEquals("2", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
      assertEquals(200, RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "3").statusCode());
    }
  }

  @Test
  void clientCloseReleasesThePendingPollWithNoopAndEndsTheSession() {
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    CompletableFuture<HttpResponse<String>> poll = RawHttp.getAsync(server.url("EIO=4&transport=polling&sid=" + sid));
    // Either order of poll and close works: a client's close lingers for its last poll.
    assertEquals(200, RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), "1").statusCode());
    assertEquals("6", Await.get(poll, "the pending poll").body());
    assertEquals(sid + " CLIENT_CLOSE", Await.take(server.closes, "the close"));
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
  }

  @Test
  void serverCloseIsCollectedByTheNextPollWithWhatWasBuffered() {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    socket.send("bye");
    socket.close();
    assertEquals("4bye\u001e1", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
  }
}
