package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.Cors;
import dev.belay.testing.Await;
import dev.belay.testing.RawConnection;
import dev.belay.testing.RawHttp;
import dev.belay.testing.TestEngine;
import io.undertow.UndertowOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POST bodies, above all in the chunked transfer coding (no Content-Length: the size is known only as the
 * body arrives). One over maxPayload gets the same answer as one whose Content-Length is over it
 * (413, the JSON error, CORS headers) and closes its session; every other session goes on. Under
 * the limit, a body split into chunks and over TCP writes is read whole. Both on the standalone
 * server and mounted in an application's Undertow, whatever its own MAX_ENTITY_SIZE.
 */
class PostBodyTest {
  private static final int MAX_PAYLOAD = 1000;

  private TestEngine server;
  private String bystander;

  private void start(TestEngine started) {
    server = started;
    bystander = RawHttp.openPolling(server);
    server.nextConnection();
  }

  private static void options(dev.belay.engine.EngineOptions.Builder b) {
    b.maxPayload(MAX_PAYLOAD).cors(Cors.anyOrigin())
        .pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10));
  }

  private void startStandalone() {
    start(TestEngine.start(PostBodyTest::options));
  }

  private void startMounted(Consumer<io.undertow.Undertow.Builder> app) {
    start(MountedEngine.start(PostBodyTest::options, app));
  }

  @AfterEach
  void bystanderStillWorks() {
    if (server == null) return;
    try {
      RawHttp.post(server.url("EIO=4&transport=polling&sid=" + bystander), "4still alive");
      assertEquals("4still alive", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + bystander)).body());
    } finally {
      server.close();
    }
  }

  /** The application's own MAX_ENTITY_SIZE: unset, below Belay's maxPayload, above it. */
  static Stream<Arguments> applications() {
    return Stream.of(
        Arguments.of("MAX_ENTITY_SIZE unset", (Consumer<io.undertow.Undertow.Builder>) u -> {}),
        Arguments.of("MAX_ENTITY_SIZE below maxPayload", (Consumer<io.undertow.Undertow.Builder>) u ->
            u.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) MAX_PAYLOAD / 2)),
        Arguments.of("MAX_ENTITY_SIZE above maxPayload", (Consumer<io.undertow.Undertow.Builder>) u ->
            u.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 100L * MAX_PAYLOAD)));
  }

  private String path(String query) {
    return "/engine.io/?" + query;
  }

  // ---- over the limit ----------------------------------------------------------------------

  @Test
  void aChunkedPostOneByteOverMaxPayloadIs413AndClosesOnlyItsSession() throws Exception {
    startStandalone();
    overTheLimit(MAX_PAYLOAD + 1, 100);
  }

  @Test
  void aChunkedPostFarOverMaxPayloadIs413AndClosesOnlyItsSession() throws Exception {
    startStandalone();
    overTheLimit(2_000_000, 16 * 1024);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applications")
  void mountedAChunkedPostOverMaxPayloadIs413AndClosesOnlyItsSession(String name,
      Consumer<io.undertow.Undertow.Builder> app) throws Exception {
    startMounted(app);
    overTheLimit(MAX_PAYLOAD + 1, 100);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applications")
  void mountedAChunkedPostFarOverMaxPayloadIs413AndClosesOnlyItsSession(String name,
      Consumer<io.undertow.Undertow.Builder> app) throws Exception {
    startMounted(app);
    overTheLimit(2_000_000, 16 * 1024);
  }

  /**
   * Sends a chunked POST of {@code size} bytes in chunks of {@code chunkSize} (from another
   * thread: the server may answer, and stop reading, before it is all written), and checks the
   * answer, the closed connection and the closed session.
   */
  private void overTheLimit(int size, int chunkSize) throws Exception {
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(RawConnection.chunkedPostHead(path("EIO=4&transport=polling&sid=" + sid), "Origin: http://app.test"));
      CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int left = size;
        boolean first = true;
        while (left > 0) {
          int n = Math.min(chunkSize, left);
          body.writeBytes(RawConnection.chunk((first ? "4" : "") + "x".repeat(first ? n - 1 : n)));
          first = false;
          left -= n;
        }
        body.writeBytes(RawConnection.lastChunk());
        return c.sendIgnoringClose(body.toByteArray());
      });
      RawConnection.Response r = c.readResponse();
      assertEquals(413, r.status(), r.body());
      assertTrue(r.header("Content-Type").startsWith("application/json"), r.headers().toString());
      JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
      assertEquals(3, json.get("code").getAsInt());
      assertTrue(json.get("message").getAsString().length() > 3);
      assertEquals("http://app.test", r.header("Access-Control-Allow-Origin"), "CORS headers on errors too");
      assertEquals("close", r.header("Connection"), "the rest of the body is not read: the connection ends");
      c.awaitClosedByServer();
      Await.get(writer, "the body writer to stop");
    }
    assertEquals(sid + " TRANSPORT_ERROR", Await.take(server.closes, "the close"));
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
    assertEquals(1, JsonParser.parseString(RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body())
        .getAsJsonObject().get("code").getAsInt(), "Session ID unknown");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applications")
  void mountedAPostWithAContentLengthOverMaxPayloadIs413Too(String name,
      Consumer<io.undertow.Undertow.Builder> app) throws Exception {
    startMounted(app);
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    String body = "4" + "x".repeat(MAX_PAYLOAD);
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send("POST " + path("EIO=4&transport=polling&sid=" + sid) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n");
      c.sendIgnoringClose(body.getBytes(StandardCharsets.US_ASCII));
      RawConnection.Response r = c.readResponse();
      assertEquals(413, r.status(), r.body());
      assertEquals(3, JsonParser.parseString(r.body()).getAsJsonObject().get("code").getAsInt());
      assertEquals("close", r.header("Connection"));
      c.awaitClosedByServer();
    }
    assertEquals(sid + " TRANSPORT_ERROR", Await.take(server.closes, "the close"));
  }

  /** Belay's path is bounded by maxPayload, not by the application's MAX_ENTITY_SIZE. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applications")
  void mountedAPostWithAContentLengthUnderMaxPayloadIsRead(String name,
      Consumer<io.undertow.Undertow.Builder> app) {
    startMounted(app);
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    String message = "4" + "w".repeat(MAX_PAYLOAD - 1);
    assertEquals("ok", RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), message).body());
    assertEquals(message, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }

  // ---- under the limit ---------------------------------------------------------------------

  /** Bodies larger than one read (and than the size read in place), declared and chunked. */
  @Test
  void largeBodiesUnderMaxPayloadAreReadWhole() throws Exception {
    start(TestEngine.start(b -> b.maxPayload(1_000_000)
        .pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10))));
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    StringBuilder sb = new StringBuilder("4");
    for (int i = 0; sb.length() < 300_000; i++) sb.append(i).append(',');
    String message = sb.toString();
    assertEquals("ok", RawHttp.post(server.url("EIO=4&transport=polling&sid=" + sid), message).body());
    assertEquals(message, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());

    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(RawConnection.chunkedPostHead(path("EIO=4&transport=polling&sid=" + sid)));
      for (int i = 0; i < message.length(); i += 8000) {
        c.send(RawConnection.chunk(message.substring(i, Math.min(message.length(), i + 8000))));
      }
      c.send(RawConnection.lastChunk());
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status(), r.body());
      assertEquals("ok", r.body());
    }
    assertEquals(message, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }

  @Test
  void aChunkedPostUnderMaxPayloadSplitOverWritesIsRead() throws Exception {
    startStandalone();
    underTheLimit();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applications")
  void mountedAChunkedPostUnderMaxPayloadSplitOverWritesIsRead(String name,
      Consumer<io.undertow.Undertow.Builder> app) throws Exception {
    startMounted(app);
    underTheLimit();
  }

  @Test
  void aChunkedPostOfExactlyMaxPayloadIsRead() throws Exception {
    startStandalone();
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    String message = "4" + "y".repeat(MAX_PAYLOAD - 1);
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(RawConnection.chunkedPostHead(path("EIO=4&transport=polling&sid=" + sid)));
      c.send(RawConnection.chunk(message.substring(0, 600)));
      c.send(RawConnection.chunk(message.substring(600)));
      c.send(RawConnection.lastChunk());
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status(), r.body());
      assertEquals("ok", r.body());
    }
    assertEquals(message, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }

  /**
   * Several chunks, each over several TCP writes (the chunk-size line apart from its data, the
   * data cut mid-packet), then a second POST on the same keep-alive connection.
   */
  private void underTheLimit() throws Exception {
    String sid = RawHttp.openPolling(server);
    server.nextConnection();
    String payload = "4hello\u001e4" + "z".repeat(700) + "\u001e4\u00e9t\u00e9 \ud83d\ude00";
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(RawConnection.chunkedPostHead(path("EIO=4&transport=polling&sid=" + sid)));
      int[] cuts = {0, 3, 150, 151, bytes.length - 7, bytes.length};
      for (int i = 0; i + 1 < cuts.length; i++) {
        int from = cuts[i];
        int to = cuts[i + 1];
        c.send(Integer.toHexString(to - from) + "\r\n");
        int mid = (from + to) / 2;
        c.send(java.util.Arrays.copyOfRange(bytes, from, mid));
        c.send(java.util.Arrays.copyOfRange(bytes, mid, to));
        c.send("\r\n");
      }
      c.send(RawConnection.lastChunk());
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status(), r.body());
      assertEquals("ok", r.body());
      assertEquals(payload, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());

      // The connection is still good for the next request.
      c.send(RawConnection.chunkedPostHead(path("EIO=4&transport=polling&sid=" + sid)));
      c.send(RawConnection.chunk("4again"));
      c.send(RawConnection.lastChunk());
      r = c.readResponse();
      assertEquals(200, r.status(), r.body());
      assertEquals("ok", r.body());
    }
    assertEquals("4again", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).body());
  }
}
