package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineSocket;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sse transport end to end on Undertow: stream, framing, heartbeats, flushing, close paths. */
class SseTransportTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestEngine fixture;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : toClose) c.close();
    if (fixture != null) fixture.close();
  }

  private TestEngine start(EngineOptions.Builder options) {
    fixture = TestEngine.start(options);
    return fixture;
  }

  private EngineClient client(String transport) {
    EngineClient c = EngineClient.open(fixture.base(), transport);
    toClose.add(c);
    return c;
  }

  @Test
  void streamHasTheHeadersThePaddingAndTheOpenPacketFirst() throws Exception {
    start(EngineOptions.builder());
    HttpResponse<Stream<String>> res = http.send(
        HttpRequest.newBuilder(URI.create(fixture.base() + "?EIO=4&transport=sse")).header("Origin", "http://x.test").GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> body = res.body()) {
      assertEquals(200, res.statusCode());
      assertEquals("text/event-stream", res.headers().firstValue("Content-Type").orElse(""));
      assertEquals("no-cache, no-transform", res.headers().firstValue("Cache-Control").orElse(""));
      assertEquals("no", res.headers().firstValue("X-Accel-Buffering").orElse(""));
      Iterator<String> lines = body.iterator();
      String padding = lines.next();
      assertEquals(":" + " ".repeat(2046), padding, "a padding comment of 2048 bytes with its newline");
      String data = lines.next();
      assertTrue(data.startsWith("data: 0{"), data);
      assertEquals("", lines.next());
      JsonObject open = JsonParser.parseString(data.substring("data: 0".length())).getAsJsonObject();
      assertEquals(22, open.get("sid").getAsString().length());
      JsonArray upgrades = open.getAsJsonArray("upgrades");
      assertEquals(List.of("websocket"), upgrades.asList().stream().map(e -> e.getAsString()).toList());
      assertEquals(25000, open.get("pingInterval").getAsInt());
      assertEquals("sse", fixture.engine.socket(open.get("sid").getAsString()).transport());
    }
  }

  @Test
  void paddingSizeIsConfigurable() throws Exception {
    start(EngineOptions.builder().ssePaddingBytes(100));
    HttpResponse<Stream<String>> res = http.send(
        HttpRequest.newBuilder(URI.create(fixture.base() + "?EIO=4&transport=sse")).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> body = res.body()) {
      Iterator<String> lines = body.iterator();
      assertEquals(":" + " ".repeat(98), lines.next());
      assertTrue(lines.next().startsWith("data: 0{"));
    }
  }

  static final List<String> TRICKY = List.of(
      "", "plain", "\r", "\n", "\r\n", "\n\r", "line\n", "line\r\n", "a\nb\nc", "a\rb", " leading space",
      "data: x", ":comment", "\u2028\u2029", "nul\u0000nul", "astral \uD83D\uDE00 \uD834\uDD1E", "\uFEFFbom",
      "\n\n\n", "\u0085next line", "tab\there", "é ü ß");

  @Test
  void everyTrickyStringAndBinaryEchoesExactly() {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    for (String s : TRICKY) c.send(s);
    Random random = new Random(4);
    List<byte[]> blobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[random.nextInt(300)];
      random.nextBytes(b);
      blobs.add(b);
      c.send(b);
    }
    for (String s : TRICKY) {
      EngineClient.Received r = c.nextMessage();
      assertEquals(s, r.data());
      assertEquals("sse", r.via());
    }
    for (byte[] b : blobs) assertArrayEquals(b, (byte[]) c.nextMessage().data());
  }

  @Test
  void serverSentStringsIncludingTheRecordSeparatorRoundTrip() {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    EngineSocket s = fixture.socket(c.sid());
    List<String> sent = new ArrayList<>(TRICKY);
    sent.add("rs\u001ers");
    for (String t : sent) s.send(t);
    for (String t : sent) assertEquals(t, c.nextMessage().data());
  }

  @Test
  void heartbeatsKeepTheSessionAndAMissingPongEndsIt() {
    start(EngineOptions.builder().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(1000)));
    EngineClient c = client("sse");
    c.awaitPings(5); // > pingInterval + pingTimeout: the pongs kept it open
    assertTrue(fixture.engine.socket(c.sid()) != null, "still open after five heartbeats");
    c.answerPings(false);
    assertTrue(fixture.awaitClose(c.sid()).startsWith("ping timeout"));
    assertEquals("server close", c.closed().join());
  }

  @Test
  void eachEventIsFlushedAtOnce() {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    EngineSocket s = fixture.socket(c.sid());
    for (int i = 0; i < 5; i++) { // warm up (class loading and JIT on the first emits)
      s.send("warm" + i);
      c.nextMessage();
    }
    long worst = 0;
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      s.send("m" + i);
      assertEquals("m" + i, c.nextMessage().data());
      worst = Math.max(worst, System.nanoTime() - t0);
    }
    System.out.println("sse emit-to-receive, worst of 20: " + TimeUnit.NANOSECONDS.toMicros(worst) + " us");
    assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(100), "an emit reaches the client at once");
  }

  @Test
  void aSecondStreamIsRefusedAndClosesTheSession() throws Exception {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    HttpResponse<String> second = http.send(
        HttpRequest.newBuilder(URI.create(fixture.base() + "?EIO=4&transport=sse&sid=" + c.sid())).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, second.statusCode());
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", second.body());
    assertTrue(fixture.awaitClose(c.sid()).startsWith("transport error"));
    assertEquals("server close", c.closed().get(10, TimeUnit.SECONDS), "the first stream got a close packet");
  }

  @Test
  void aDroppedStreamClosesTheSessionWithTransportClose() throws Exception {
    start(EngineOptions.builder());
    String sid;
    try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
      socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("data: 0{")) { }
      assertTrue(line != null, "got the open event");
      sid = JsonParser.parseString(line.substring(line.indexOf("0{") + 1)).getAsJsonObject().get("sid").getAsString();
      fixture.socket(sid);
    } // the client goes away: the connection closes with nothing more said
    assertTrue(fixture.awaitClose(sid).startsWith("transport close"), "dropped stream");
    assertTrue(fixture.engine.socket(sid) == null);
  }

  @Test
  void aServerCloseSendsTheQueuedPacketsThenCloseAndEndsTheStream() throws Exception {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    EngineSocket s = fixture.socket(c.sid());
    s.send("last words");
    s.close();
    assertEquals("last words", c.nextMessage().data());
    assertEquals("server close", c.closed().get(10, TimeUnit.SECONDS));
    assertTrue(fixture.awaitClose(c.sid()).startsWith("forced close"));
  }

  @Test
  void aClosePacketFromTheClientClosesTheSession() {
    start(EngineOptions.builder());
    EngineClient c = client("sse");
    fixture.socket(c.sid());
    c.sendPacket(EnginePacket.CLOSE);
    assertTrue(fixture.awaitClose(c.sid()).startsWith("transport close"));
  }

  @Test
  void aClientThatStopsReadingIsBoundedByTheOutboundLimit() throws Exception {
    start(EngineOptions.builder().maxOutboundPackets(20));
    try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
      socket.setReceiveBufferSize(4096);
      socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("data: 0{")) { }
      String sid = JsonParser.parseString(line.substring(line.indexOf("0{") + 1)).getAsJsonObject().get("sid").getAsString();
      EngineSocket s = fixture.socket(sid);
      // Stop reading: the socket buffers fill, one batch stays in flight, the session buffers the
      // rest up to its limit and then closes instead of growing without bound.
      String big = "x".repeat(64 * 1024);
      boolean refused = false;
      for (int i = 0; i < 10_000 && !refused; i++) refused = !s.send(big);
      assertTrue(refused, "send returns false past the limit");
      assertTrue(fixture.awaitClose(sid).startsWith("transport error"), "closed as an outbound overflow");
    }
  }
}
