package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.binding.Listening;
import dev.belay.engine.EngineServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance fixture accepts the sse transport but advertises only {@code ["websocket"]}, as
 * the official engine.io-protocol suite expects; over raw HTTP its sse transport has the headers,
 * opens with the open event, echoes tricky text and binary exactly, heartbeats, and refuses a
 * second stream.
 */
class EngineConformanceSseTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private EngineServer engine;
  private Listening listening;
  private String base;

  @BeforeEach
  void setUp() {
    // The fixture, with a pong deadline a busy CI machine can keep from a blocking test client:
    // pings still come every 300 ms, and each is answered.
    engine = EngineConformance.create(EngineConformance.optionsBuilder("/engine.io/")
        .pingTimeout(java.time.Duration.ofSeconds(10)).build());
    listening = engine.listen("127.0.0.1", 0);
    base = "http://127.0.0.1:" + listening.port() + "/engine.io/?EIO=4&transport=";
  }

  @AfterEach
  void tearDown() {
    listening.close();
  }

  @Test
  void pollingHandshakeAdvertisesOnlyWebSocket() throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(base + "polling")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(body.startsWith("0{") && body.contains("\"upgrades\":[\"websocket\"]"), body);
  }

  @Test
  void sseOverRawHttp() throws Exception {
    HttpResponse<Stream<String>> res = http.send(HttpRequest.newBuilder(URI.create(base + "sse")).build(),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> body = res.body()) {
      assertEquals(200, res.statusCode());
      assertEquals("text/event-stream", res.headers().firstValue("content-type").orElse(""));
      assertEquals("no-cache, no-transform", res.headers().firstValue("cache-control").orElse(""));
      assertEquals("no", res.headers().firstValue("x-accel-buffering").orElse(""));
      Iterator<String> lines = body.iterator();
      assertTrue(lines.next().startsWith(":"), "padding comment first");
      String open = lines.next();
      assertTrue(open.startsWith("data: 0{") && open.contains("\"upgrades\":[\"websocket\"]")
          && open.contains("\"pingInterval\":300"), open);
      String sid = open.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
      assertEquals("", lines.next());

      assertEquals(200, post(sid, "4a\r\nb\u001e4line\n\u001ebAQID").statusCode());
      // "a\r\nb" holds CR: a t64 event; "line\n": two data lines; binary: b + base64.
      assertEquals("event: t64", next(lines, sid));
      assertEquals("data: " + Base64.getEncoder().encodeToString("4a\r\nb".getBytes()), lines.next());
      assertEquals("", lines.next());
      assertEquals("data: 4line", next(lines, sid));
      assertEquals("data: ", lines.next());
      assertEquals("", lines.next());
      assertEquals("data: bAQID", next(lines, sid));

      for (int i = 0; i < 3; i++) { // heartbeats every 300 ms, each answered: the session stays
        assertEquals("data: 2", nextLine(lines));
        assertEquals(200, post(sid, "3").statusCode());
      }

      HttpResponse<String> second = http.send(HttpRequest.newBuilder(URI.create(base + "sse&sid=" + sid)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, second.statusCode());
      assertEquals("data: 1", next(lines, sid), "the session closes after a second stream");
    }
  }

  /** The next non-empty line. */
  private static String nextLine(Iterator<String> lines) {
    String l = lines.next();
    while (l.isEmpty()) l = lines.next();
    return l;
  }

  /** The next non-empty line that is not a ping; pings met on the way are answered. */
  private String next(Iterator<String> lines, String sid) throws Exception {
    String l = nextLine(lines);
    while (l.equals("data: 2")) {
      post(sid, "3");
      l = nextLine(lines);
    }
    return l;
  }

  private HttpResponse<String> post(String sid, String payload) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "sse&sid=" + sid))
        .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
