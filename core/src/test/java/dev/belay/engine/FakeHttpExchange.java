package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.WebSocketConnection;
import dev.belay.binding.WebSocketListener;
import dev.belay.binding.WriteCallback;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One HTTP request to the engine, on no network: the request is its own {@link TransportRequest}
 * (method, query string, body), the answer is recorded (the first one counts) and a streamed
 * answer goes to a {@link Stream} whose writes complete when the test says so. For session and
 * routing tests on a fake clock.
 *
 * <pre>{@code
 * FakeHttpExchange handshake = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
 * server.handle(handshake);
 * assertTrue(handshake.body.startsWith("0{"));
 * }</pre>
 */
final class FakeHttpExchange implements HttpExchange, TransportRequest {
  private final String method;
  private final String queryString;
  private final Map<String, List<String>> query = new LinkedHashMap<>();
  private final String requestBody;
  final Stream stream = new Stream();
  /** Test thread: when set, the body arrives on {@link #deliverBody} instead of at once. */
  boolean holdBody;
  /** Test thread: when set, an answer that is not a stream fails the test. */
  private boolean streamOnly;
  /** Test thread: told of the answer's body as it is given (a client reacting at once). */
  Consumer<String> onRespond = body -> {};
  private BodyListener bodyListener;
  private Runnable abort;
  /** Request headers; set by the test before the request is handled. */
  private final Map<String, String> requestHeaders = new LinkedHashMap<>();
  int status;
  Map<String, String> headers;
  String body;

  /** {@code query} as in a URL ({@code EIO=4&transport=polling}); {@code body} null for a GET. */
  FakeHttpExchange(String method, String query, String body) {
    this.method = method;
    this.queryString = query;
    this.requestBody = body;
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      this.query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
    }
  }

  /** A request that must be answered with a stream (an SSE GET). */
  FakeHttpExchange expectStream() {
    streamOnly = true;
    return this;
  }

  /** Adds a request header (names compared case-insensitively). */
  FakeHttpExchange withHeader(String name, String value) {
    requestHeaders.put(name.toLowerCase(java.util.Locale.ROOT), value);
    return this;
  }

  /** Reading the held body failed (the connection broke). */
  void failBody(IOException error) {
    bodyListener.onError(error);
  }

  void deliverBody() {
    bodyListener.onBody(requestBody.getBytes(StandardCharsets.UTF_8));
  }

  /** The client went away. */
  void abort() {
    abort.run();
  }

  @Override public TransportRequest request() { return this; }
  @Override public boolean isWebSocketUpgrade() { return false; }

  @Override
  public void readBody(int maxBytes, BodyListener listener) {
    if (requestBody == null) throw new UnsupportedOperationException("this request has no body");
    bodyListener = listener;
    if (!holdBody) deliverBody();
  }

  @Override
  public void respond(int status, Map<String, String> headers, byte[] bytes) {
    if (streamOnly) throw new AssertionError("expected a stream, got an answer " + status);
    if (body != null) return;
    this.status = status;
    this.headers = headers;
    this.body = new String(bytes, StandardCharsets.UTF_8);
    onRespond.accept(body);
  }

  @Override
  public ResponseStream stream(int status, Map<String, String> headers) {
    stream.status = status;
    stream.headers = headers;
    return stream;
  }

  @Override public void onAbort(Runnable callback) { abort = callback; }

  @Override
  public void acceptWebSocket(Map<String, String> h, Function<WebSocketConnection, WebSocketListener> o) {
    throw new UnsupportedOperationException();
  }

  @Override public String method() { return method; }
  @Override public String path() { return "/socket.io/"; }
  @Override public String url() { return "/socket.io/?" + queryString; }
  @Override public String query(String name) { List<String> v = query.get(name); return v == null ? null : v.get(0); }
  @Override public Map<String, List<String>> queryParameters() { return query; }
  @Override public String header(String name) { return requestHeaders.get(name.toLowerCase(java.util.Locale.ROOT)); }
  @Override public Map<String, List<String>> headers() { return Map.of(); }
  @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 1); }
  @Override public boolean secure() { return false; }

  /** A streamed answer: chunks are kept, and their writes complete when the test says so. */
  static final class Stream implements ResponseStream {
    int status;
    Map<String, String> headers;
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

    String chunk(int i) {
      return chunks.get(i);
    }

    String lastChunk() {
      return chunks.get(chunks.size() - 1);
    }

    /** The network took every chunk written so far (callbacks may write more: those stay pending). */
    void completeAll() {
      List<WriteCallback> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(cb -> cb.done(null));
    }

    void failAll(IOException e) {
      List<WriteCallback> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(cb -> cb.done(e));
    }
  }
}
