package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import dev.belay.testing.SseStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upgrades involving sse that do not go to plan: timeouts, a second stream, an abandoned switch. */
class SseUpgradeEdgeTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TestEngine fixture;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) c.close();
    if (fixture != null) fixture.close();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    toClose.add(c);
    return c;
  }

  private String url(String query) {
    return fixture.base() + "?EIO=4&" + query;
  }

  @Test
  void aCandidateThatNeverProbesIsEndedAfterUpgradeTimeoutAndPollingGoesOn() {
    fixture = TestEngine.start(EngineOptions.builder().upgradeTimeout(Duration.ofMillis(300)));
    EngineClient c = closeLater(EngineClient.open(fixture.base(), "polling"));
    SseStream candidate = closeLater(SseStream.open(url("transport=sse&sid=" + c.sid())));
    candidate.awaitEnd();
    c.send("still on polling");
    EngineClient.Received r = c.nextMessage();
    assertEquals("polling", r.via());
    c.upgrade("sse"); // the abandoned candidate left room for a new upgrade
    c.send("now on sse");
    assertEquals("sse", c.nextMessage().via());
  }

  @Test
  void aSecondStreamWhileACandidateExistsIsRefusedAndClosesTheSession() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    EngineClient c = closeLater(EngineClient.open(fixture.base(), "polling"));
    SseStream candidate = closeLater(SseStream.open(url("transport=sse&sid=" + c.sid())));
    HttpResponse<String> second = http.send(HttpRequest.newBuilder(URI.create(url("transport=sse&sid=" + c.sid())))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, second.statusCode());
    assertTrue(fixture.awaitClose(c.sid()).startsWith("transport error"));
    candidate.awaitEnd();
  }

  @Test
  void anAbandonedSwitchFromSseToWebSocketResumesTheStreamWithWhatWaited() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    SseStream stream = closeLater(SseStream.open(url("transport=sse")));
    EnginePacket open = stream.next();
    String sid = JsonParser.parseString(open.text()).getAsJsonObject().get("sid").getAsString();
    EngineSocket socket = fixture.socket(sid);

    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(
        URI.create(url("transport=websocket&sid=" + sid).replace("http:", "ws:")), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            frames.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("2probe", true).get(10, TimeUnit.SECONDS);
    assertEquals("3probe", frames.poll(10, TimeUnit.SECONDS));
    assertEquals(EnginePacket.NOOP, stream.nextSkippingPings(), "the marker: nothing more on the stream until the switch");
    assertFalse(socket.isWritable(), "the stream is paused");
    assertTrue(socket.send("waited"));

    ws.abort(); // the candidate goes away before the upgrade packet
    assertEquals(EnginePacket.message("waited"), stream.nextSkippingPings(), "resumed on the stream");
    assertEquals("sse", socket.transport());
    socket.send("after");
    assertEquals(EnginePacket.message("after"), stream.nextSkippingPings());
    assertFalse(fixture.hasClosed(sid));
  }

  @Test
  void aStreamDroppedAfterItsMarkerIsFineOnceTheUpgradePacketArrives() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder());
    SseStream stream = SseStream.open(url("transport=sse"));
    String sid = JsonParser.parseString(stream.next().text()).getAsJsonObject().get("sid").getAsString();
    EngineSocket socket = fixture.socket(sid);
    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(
        URI.create(url("transport=websocket&sid=" + sid).replace("http:", "ws:")), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            frames.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    ws.sendText("2probe", true).get(10, TimeUnit.SECONDS);
    assertEquals("3probe", frames.poll(10, TimeUnit.SECONDS));
    assertEquals(EnginePacket.NOOP, stream.nextSkippingPings());
    socket.send("waited");
    stream.close();
    stream.awaitEnd();
    ws.sendText("5", true).get(10, TimeUnit.SECONDS);
    String frame = frames.poll(10, TimeUnit.SECONDS);
    while (frame != null && frame.equals("2")) frame = frames.poll(10, TimeUnit.SECONDS);
    assertEquals("4waited", frame);
    fixture.awaitUpgrade(sid, "websocket");
    assertFalse(fixture.hasClosed(sid));
    ws.abort();
  }

  @Test
  void aPollingGetDuringTheProbeIsReleasedWithNoop() throws Exception {
    fixture = TestEngine.start(EngineOptions.builder().pingInterval(Duration.ofSeconds(20)));
    // Handshake by hand, so that no poll is pending unless this test sends it.
    HttpResponse<String> hs = http.send(HttpRequest.newBuilder(URI.create(url("transport=polling"))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String sid = JsonParser.parseString(hs.body().substring(1)).getAsJsonObject().get("sid").getAsString();
    var poll = http.sendAsync(HttpRequest.newBuilder(URI.create(url("transport=polling&sid=" + sid))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    SseStream candidate = closeLater(SseStream.open(url("transport=sse&sid=" + sid)));
    HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(url("transport=sse&sid=" + sid)))
        .POST(HttpRequest.BodyPublishers.ofString("2probe")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("ok", probe.body());
    assertEquals(EnginePacket.of(EnginePacketType.PONG, "probe"), candidate.next());
    assertEquals("6", poll.get(10, TimeUnit.SECONDS).body(), "the pending poll is released");
    HttpResponse<String> upgrade = http.send(HttpRequest.newBuilder(URI.create(url("transport=sse&sid=" + sid)))
        .POST(HttpRequest.BodyPublishers.ofString("5\u001e4right after")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("ok", upgrade.body());
    assertEquals(EnginePacket.message("right after"), candidate.next(), "echoed on the stream");
    assertEquals("sse", fixture.socket(sid).transport());
  }
}
