package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.testing.NodeScript;
import io.socket.client.Socket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compression as a client sees it: gzip/deflate polling and SSE bodies (on by default over 1024
 * bytes), permessage-deflate on WebSocket (off by default), and the official clients working with
 * everything compressed.
 */
class CompressionTest {
  private static final String BIG = "{\"user\":\"ada\",\"text\":\"hello again\"}".repeat(200);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static void big(Server server) {
    InteropApp.install(server);
    server.on("connection", socket -> socket.on("big", (args, ack) -> socket.emit("big", BIG)));
  }

  /** Opens a polling session, joins "/", asks for the big event; returns the sid. */
  private String openAndAskBig(SioServer server) throws Exception {
    HttpResponse<String> open = http.send(get(server, "", "gzip"), HttpResponse.BodyHandlers.ofString());
    // The handshake is under the threshold: plain, but the answer varies with Accept-Encoding.
    assertNull(open.headers().firstValue("Content-Encoding").orElse(null));
    assertEquals("Accept-Encoding", open.headers().firstValue("Vary").orElse(null));
    String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    post(server, sid, "40");
    post(server, sid, "42[\"big\"]");
    return sid;
  }

  private HttpRequest get(SioServer server, String sid, String acceptEncoding) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&transport=polling"
        + (sid.isEmpty() ? "" : "&sid=" + sid)));
    if (acceptEncoding != null) b.header("Accept-Encoding", acceptEncoding);
    return b.GET().build();
  }

  private void post(SioServer server, String sid, String body) throws Exception {
    post(server, "polling", sid, body);
  }

  private void post(SioServer server, String transport, String sid, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url()
        + "/socket.io/?EIO=4&transport=" + transport + "&sid=" + sid)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** Polls until the big event arrives; returns that poll's response. */
  private HttpResponse<byte[]> pollForBig(SioServer server, String sid, String acceptEncoding) throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<byte[]> r = http.send(get(server, sid, acceptEncoding), HttpResponse.BodyHandlers.ofByteArray());
      if (decode(r).contains("\"big\"")) return r;
    }
    throw new AssertionError("the big event never came");
  }

  private static String decode(HttpResponse<byte[]> r) throws Exception {
    String coding = r.headers().firstValue("Content-Encoding").orElse("identity");
    InputStream in = new ByteArrayInputStream(r.body());
    if (coding.equals("gzip")) in = new GZIPInputStream(in);
    else if (coding.equals("deflate")) in = new InflaterInputStream(in);
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate", "deflate;q=0.5, gzip", "br, deflate", "*"})
  void pollingBodyOverTheThresholdIsCompressed(String acceptEncoding) throws Exception {
    try (SioServer server = SioServer.start(CompressionTest::big)) {
      String sid = openAndAskBig(server);
      HttpResponse<byte[]> r = pollForBig(server, sid, acceptEncoding);
      String expected = acceptEncoding.contains("gzip") || acceptEncoding.equals("*") ? "gzip" : "deflate";
      assertEquals(expected, r.headers().firstValue("Content-Encoding").orElse(null));
      assertEquals("Accept-Encoding", r.headers().firstValue("Vary").orElse(null));
      assertTrue(r.body().length < BIG.length() / 5, "compressed to " + r.body().length);
      assertTrue(decode(r).contains("42[\"big\",\"" + BIG.replace("\"", "\\\"") + "\"]"), "the payload, intact");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "identity", "br", "gzip;q=0", "gzip;q=oops", ";;;,,,", "gzip;q=2"})
  void unknownRefusedOrBadAcceptEncodingGetsPlain(String acceptEncoding) throws Exception {
    try (SioServer server = SioServer.start(CompressionTest::big)) {
      String sid = openAndAskBig(server);
      HttpResponse<byte[]> r = pollForBig(server, sid, acceptEncoding.isEmpty() ? null : acceptEncoding);
      assertNull(r.headers().firstValue("Content-Encoding").orElse(null));
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains(BIG.replace("\"", "\\\"")));
    }
  }

  @Test
  void turnedOffNothingIsCompressed() throws Exception {
    try (SioServer server = SioServer.start(e -> e.httpCompression(false), o -> {}, CompressionTest::big)) {
      String sid = openAndAskBigNoVary(server);
      HttpResponse<byte[]> r = pollForBig(server, sid, "gzip");
      assertNull(r.headers().firstValue("Content-Encoding").orElse(null));
      assertNull(r.headers().firstValue("Vary").orElse(null));
    }
  }

  private String openAndAskBigNoVary(SioServer server) throws Exception {
    HttpResponse<String> open = http.send(get(server, "", "gzip"), HttpResponse.BodyHandlers.ofString());
    String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    post(server, sid, "40");
    post(server, sid, "42[\"big\"]");
    return sid;
  }

  /** Each SSE event can be read at once through the gzip stream: the second one before the end. */
  @Test
  void sseOverGzipDeliversEachEventPromptly() throws Exception {
    try (SioServer server = SioServer.start(CompressionTest::big)) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url()
          + "/socket.io/?EIO=4&transport=sse")).header("Accept-Encoding", "gzip").GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(null));
      assertEquals("Accept-Encoding", r.headers().firstValue("Vary").orElse(null));
      try (InputStream body = new GZIPInputStream(r.body(), 64)) {
        String open = readEvent(body);
        assertTrue(open.contains("\"sid\""), open);
        String sid = open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
        post(server, "sse", sid, "40");
        assertTrue(readEvent(body).contains("40{"), "the connect packet");
        post(server, "sse", sid, "42[\"big\"]");
        // Read while the stream stays open: each event must decode without waiting for more.
        String next = readEvent(body);
        while (!next.contains("\"big\"")) next = readEvent(body);
        assertTrue(next.contains(BIG.replace("\"", "\\\"")));
      }
    }
  }

  /** Reads up to the next blank line (end of an SSE event) that carries data; skips padding/comments. */
  private static String readEvent(InputStream in) throws Exception {
    while (true) {
      ByteArrayOutputStream event = new ByteArrayOutputStream();
      int prev = -1;
      for (int c; (c = in.read()) != -1; prev = c) {
        event.write(c);
        if (c == '\n' && prev == '\n') break;
      }
      String s = event.toString(StandardCharsets.UTF_8);
      if (s.isEmpty()) throw new AssertionError("the stream ended");
      if (s.contains("data:")) return s;
    }
  }

  /** The open packet's frame, read off a raw WebSocket that offers permessage-deflate. */
  private static int[] rawOpenFrame(SioServer server, StringBuilder headers, ByteArrayOutputStream payload)
      throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.http.port())) {
      s.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(s.getInputStream());
      int prev = -1;
      for (int c; (c = in.read()) != -1; ) {
        headers.append((char) c);
        if (headers.toString().endsWith("\r\n\r\n")) break;
        prev = c;
      }
      int b0 = in.read();
      int len = in.read() & 0x7f;
      if (len == 126) len = in.readUnsignedShort();
      byte[] data = new byte[len];
      in.readFully(data);
      payload.write(data);
      return new int[] {b0, len, prev};
    }
  }

  @Test
  void webSocketDeflateIsOffByDefault() throws Exception {
    try (SioServer server = SioServer.start(InteropApp::install)) {
      StringBuilder headers = new StringBuilder();
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      int[] frame = rawOpenFrame(server, headers, payload);
      assertTrue(!headers.toString().toLowerCase().contains("permessage-deflate"), headers.toString());
      assertEquals(0, frame[0] & 0x40, "RSV1 clear");
      assertTrue(payload.toString(StandardCharsets.UTF_8).startsWith("0{\"sid\""));
    }
  }

  @Test
  void webSocketDeflateWhenOnCompressesMessagesOverTheThreshold() throws Exception {
    try (SioServer server = SioServer.start(e -> e.perMessageDeflate(true).perMessageDeflateThreshold(0), o -> {},
        InteropApp::install)) {
      StringBuilder headers = new StringBuilder();
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      int[] frame = rawOpenFrame(server, headers, payload);
      String h = headers.toString().toLowerCase();
      assertTrue(h.contains("permessage-deflate"), h);
      assertTrue(h.contains("server_no_context_takeover"), h);
      assertNotEquals(0, frame[0] & 0x40, "RSV1 set: the open packet is deflated");
      Inflater inflater = new Inflater(true);
      byte[] in = payload.toByteArray();
      byte[] tail = new byte[in.length + 4];
      System.arraycopy(in, 0, tail, 0, in.length);
      tail[in.length + 2] = (byte) 0xff;
      tail[in.length + 3] = (byte) 0xff;
      inflater.setInput(tail);
      byte[] out = new byte[4096];
      int n = inflater.inflate(out);
      assertTrue(new String(out, 0, n, StandardCharsets.UTF_8).startsWith("0{\"sid\""));
    }
  }

  @Test
  void webSocketDeflateLeavesSmallMessagesPlain() throws Exception {
    try (SioServer server = SioServer.start(e -> e.perMessageDeflate(true), o -> {}, InteropApp::install)) {
      StringBuilder headers = new StringBuilder();
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      int[] frame = rawOpenFrame(server, headers, payload);
      assertTrue(headers.toString().toLowerCase().contains("permessage-deflate"));
      assertEquals(0, frame[0] & 0x40, "the open packet is under 1024 bytes: RSV1 clear");
      assertTrue(payload.toString(StandardCharsets.UTF_8).startsWith("0{\"sid\""));
    }
  }

  /** The official clients with every message compressed (thresholds 0): Node over ws with deflate, Java over gzip polling. */
  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "upgrade"})
  void officialClientsWithEverythingCompressed(String mode) {
    try (SioServer server = SioServer.start(
        e -> e.perMessageDeflate(true).perMessageDeflateThreshold(0).httpCompressionThreshold(0), o -> {},
        CompressionTest::big)) {
      NodeScript.Result result = NodeClient.run("sio-transports.mjs", server.url(), mode);
      String expected = "polling".equals(mode) ? "polling" : "websocket";
      assertTrue(result.lines().contains("OK server transport " + expected), result.stdout());

      Socket socket = JavaClient.connect(server.url(), options -> {
        if ("polling".equals(mode)) options.transports = new String[] {"polling"};
        if ("websocket".equals(mode)) options.transports = new String[] {"websocket"};
      });
      try {
        assertArrayEquals(new Object[] {"hello", 42, true}, JavaClient.emitWithAck(socket, "echo", "hello", 42, true));
        String payload = BIG;
        assertArrayEquals(new Object[] {payload}, JavaClient.emitWithAck(socket, "echo", payload));
      } finally {
        socket.close();
      }
    }
  }
}
