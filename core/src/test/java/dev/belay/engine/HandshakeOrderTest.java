package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A client that answers the handshake at once (its POST arriving before the server thread that
 * sent the open packet has moved on) must not lose that message: the connection listeners are
 * announced before the open packet can leave.
 */
class HandshakeOrderTest {

  @Test
  void aMessageSentTheInstantTheHandshakeArrivesReachesTheConnectionListener() {
    ArrayDeque<Runnable> workers = new ArrayDeque<>();
    EngineServer server = new EngineServer(EngineOptions.builder().scheduler(new FakeScheduler())
        .executor(workers::add).pingInterval(Duration.ofSeconds(30)).build());
    List<Object> received = new ArrayList<>();
    server.onConnection(socket -> socket.onMessage(received::add));

    StubExchange handshake = new StubExchange("GET", "EIO=4&transport=polling", null);
    handshake.onRespond = body -> {
      // The fastest possible client: it posts its first message from inside the response.
      String sid = body.substring(body.indexOf("\"sid\":\"") + 7, body.indexOf("\",\""));
      server.handle(new StubExchange("POST", "EIO=4&transport=polling&sid=" + sid, "4first"));
    };
    server.handle(handshake);
    while (!workers.isEmpty()) workers.poll().run();

    assertTrue(handshake.body.startsWith("0{"), handshake.body);
    assertEquals(List.of("first"), received);
  }

  /** A synchronous exchange: the body is read at once and the response recorded. */
  private static final class StubExchange implements HttpExchange, TransportRequest {
    private final String method;
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final String requestBody;
    java.util.function.Consumer<String> onRespond = body -> {};
    String body;

    StubExchange(String method, String query, String requestBody) {
      this.method = method;
      this.requestBody = requestBody;
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        this.query.put(kv[0], List.of(kv[1]));
      }
    }

    @Override public TransportRequest request() { return this; }
    @Override public boolean isWebSocketUpgrade() { return false; }

    @Override
    public void readBody(int maxBytes, BodyListener listener) {
      listener.onBody(requestBody.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void respond(int status, Map<String, String> headers, byte[] bytes) {
      body = new String(bytes, StandardCharsets.UTF_8);
      onRespond.accept(body);
    }

    @Override public ResponseStream stream(int status, Map<String, String> headers) { throw new UnsupportedOperationException(); }
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
