package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POSTs of an upgrade polling -> sse (PROTOCOL.md, "Upgrade polling → sse"), on fake exchanges and
 * a fake clock: a POST for a candidate that has been abandoned (here by upgradeTimeout) while its
 * body was still on the way is answered 400 with the engine's JSON error, its packets are not
 * handled, and the session stays on polling; a POST that arrives after the abandon gets the same.
 */
class SseUpgradePostTest {
  private FakeScheduler clock;
  private EngineServer server;
  private EngineSession session;
  private String sid;
  private final List<Object> received = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();

  @BeforeEach
  void open() {
    clock = new FakeScheduler();
    server = new EngineServer(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(30))
        .upgradeTimeout(Duration.ofMillis(1000)).ssePaddingBytes(0)
        .scheduler(clock).executor(Runnable::run).build());
    server.onConnection(s -> s.onMessage(received::add).onClose((reason, d) -> closes.add(reason.name())));
    Exchange handshake = new Exchange("GET", "EIO=4&transport=polling", null);
    server.handle(handshake);
    sid = handshake.body.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    session = (EngineSession) server.socket(sid);
    assertTrue(handshake.body.contains("\"upgrades\":[\"websocket\",\"sse\"]"), handshake.body);
  }

  @Test
  void aPostHandledAfterItsCandidateWasAbandonedIsA400AndHandlesNothing() {
    Exchange stream = probedSseCandidate();
    Exchange upgrade = new Exchange("POST", "EIO=4&transport=sse&sid=" + sid, "5\u001e4lost?");
    upgrade.holdBody = true; // accepted for the candidate; its body is still on the way
    server.handle(upgrade);
    assertNull(upgrade.body);

    clock.advance(Duration.ofMillis(1000)); // upgradeTimeout: the candidate is abandoned
    assertTrue(stream.stream.closed, "the candidate stream ends");
    assertNull(session.candidateTransport());

    upgrade.deliverBody();
    assertEquals(400, upgrade.status);
    assertEquals("application/json", upgrade.headers.get("Content-Type"));
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", upgrade.body);
    assertEquals(List.of(), received, "nothing in it was handled");
    assertEquals("polling", session.transport());
    assertTrue(session.isOpen());
    assertEquals(List.of(), closes);

    // polling goes on as before
    Exchange post = new Exchange("POST", "EIO=4&transport=polling&sid=" + sid, "4still here");
    server.handle(post);
    assertEquals("ok", post.body);
    assertEquals(List.of("still here"), received);
  }

  @Test
  void aPostArrivingAfterTheAbandonIsA400AndLeavesTheSessionAlone() {
    probedSseCandidate();
    clock.advance(Duration.ofMillis(1000));
    Exchange late = new Exchange("POST", "EIO=4&transport=sse&sid=" + sid, "5");
    server.handle(late);
    assertEquals(400, late.status);
    assertEquals("{\"code\":3,\"message\":\"Bad request\"}", late.body);
    assertEquals("polling", session.transport());
    assertTrue(session.isOpen());
  }

  @Test
  void theUpgradePacketAfterAnAnsweredProbeSwitchesToSse() {
    Exchange stream = probedSseCandidate();
    Exchange upgrade = new Exchange("POST", "EIO=4&transport=sse&sid=" + sid, "5\u001e4after");
    server.handle(upgrade);
    assertEquals("ok", upgrade.body);
    assertEquals("sse", session.transport());
    assertEquals(List.of("after"), received);
    assertFalse(stream.stream.closed);
  }

  /** GET transport=sse (the candidate stream), then POST 2probe, answered ok and 3probe on the stream. */
  private Exchange probedSseCandidate() {
    Exchange stream = new Exchange("GET", "EIO=4&transport=sse&sid=" + sid, null);
    server.handle(stream);
    assertEquals(200, stream.stream.status);
    assertTrue(session.candidateTransport() instanceof SseTransport);
    Exchange probe = new Exchange("POST", "EIO=4&transport=sse&sid=" + sid, "2probe");
    server.handle(probe);
    assertEquals("ok", probe.body);
    assertEquals("data: 3probe\n\n", stream.stream.chunks.get(stream.stream.chunks.size() - 1));
    stream.stream.completeAll();
    return stream;
  }

  // ---- fakes ----

  private static final class Stream implements HttpExchange.ResponseStream {
    int status;
    final List<String> chunks = new ArrayList<>();
    final List<WriteCallback> pending = new ArrayList<>();
    boolean closed;

    @Override
    public void write(byte[] chunk, WriteCallback done) {
      chunks.add(new String(chunk, StandardCharsets.UTF_8));
      pending.add(done);
    }

    @Override
    public void close() {
      closed = true;
    }

    void completeAll() {
      List<WriteCallback> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(cb -> cb.done(null));
    }
  }

  /** An exchange that records its answer; with {@code holdBody} the body arrives on {@link #deliverBody}. */
  private static final class Exchange implements HttpExchange, TransportRequest {
    private final String method;
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final String requestBody;
    final Stream stream = new Stream();
    boolean holdBody;
    private BodyListener bodyListener;
    int status;
    Map<String, String> headers;
    String body;

    Exchange(String method, String query, String requestBody) {
      this.method = method;
      this.requestBody = requestBody;
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        this.query.put(kv[0], List.of(kv[1]));
      }
    }

    void deliverBody() {
      bodyListener.onBody(requestBody.getBytes(StandardCharsets.UTF_8));
    }

    @Override public TransportRequest request() { return this; }
    @Override public boolean isWebSocketUpgrade() { return false; }

    @Override
    public void readBody(int maxBytes, BodyListener listener) {
      bodyListener = listener;
      if (!holdBody) deliverBody();
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] bytes) {
      if (body != null) return;
      this.status = status;
      this.headers = headers;
      this.body = new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public ResponseStream stream(int status, Map<String, String> headers) {
      stream.status = status;
      return stream;
    }

    @Override public void onAbort(Runnable callback) {}
    @Override public void acceptWebSocket(Map<String, String> h, Function<WebSocketConnection, WebSocketListener> o) {
      throw new UnsupportedOperationException();
    }
    @Override public String method() { return method; }
    @Override public String path() { return "/socket.io/"; }
    @Override public String url() { return "/socket.io/"; }
    @Override public String query(String name) { List<String> v = query.get(name); return v == null ? null : v.get(0); }
    @Override public Map<String, List<String>> queryParameters() { return query; }
    @Override public String header(String name) { return null; }
    @Override public Map<String, List<String>> headers() { return Map.of(); }
    @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 1); }
    @Override public boolean secure() { return false; }
  }
}
