package dev.belay.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.Listening;
import dev.belay.binding.WebSocketConnection;
import dev.belay.binding.WebSocketListener;
import dev.belay.engine.TransportRequest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HttpExchange} contract as the engine relies on it, for any HTTP server binding: a
 * binding's test extends this class and says how to serve requests with it, on 127.0.0.1, port 0,
 * handing each request to a handler as the engine's {@code EngineServer.handle} would receive it.
 * Real clients (the JDK's HttpClient and WebSocket, raw sockets) play the peer.
 *
 * <pre>{@code
 * class MyBindingExchangeTest extends HttpExchangeContract {
 *   @Override protected Listening serve(Consumer<HttpExchange> handler) {
 *     return MyBinding.serveRaw("127.0.0.1", 0, handler);
 *   }
 * }
 * }</pre>
 */
public abstract class HttpExchangeContract {
  /** The largest body the tests ask {@link HttpExchange#readBody} for. */
  protected static final int BODY_LIMIT = 1000;

  // Set by each test before its first request; read on the binding's threads.
  private volatile Consumer<HttpExchange> handler = exchange -> exchange.respond(500, Map.of(), new byte[0]);
  // Started before each test, closed after it; test thread only.
  private Listening http;

  /**
   * Starts the binding on 127.0.0.1, port 0, calling {@code handler} with every request, on
   * whatever thread the binding hands requests to the engine. Closing the result stops it.
   */
  protected abstract Listening serve(Consumer<HttpExchange> handler);

  @BeforeEach
  void startBinding() {
    http = serve(exchange -> handler.accept(exchange));
  }

  @AfterEach
  void stopBinding() {
    http.close();
  }

  private String url(String pathAndQuery) {
    return "http://127.0.0.1:" + http.port() + pathAndQuery;
  }

  @Test
  void aWholeAnswerArrivesWithItsStatusHeadersAndBody() {
    handler = exchange -> exchange.respond(201,
        Map.of("Content-Type", "text/plain; charset=UTF-8", "X-Belay", "yes"), "created".getBytes(UTF_8));
    HttpResponse<String> r = RawHttp.get(url("/engine.io/?EIO=4"));
    assertEquals(201, r.statusCode());
    assertEquals("yes", r.headers().firstValue("x-belay").orElse(null));
    assertEquals("text/plain; charset=UTF-8", r.headers().firstValue("content-type").orElse(null));
    assertEquals("created", r.body());
  }

  @Test
  void anAnswerMayComeLaterFromAnotherThread() {
    BlockingQueue<HttpExchange> held = new LinkedBlockingQueue<>();
    handler = held::add;
    CompletableFuture<HttpResponse<String>> response = RawHttp.getAsync(url("/held"));
    HttpExchange exchange = Await.take(held, "the request to reach the handler");
    assertFalse(response.isDone(), "a request without an answer is held");
    CompletableFuture.runAsync(() -> exchange.respond(200, Map.of(), "later".getBytes(UTF_8)));
    assertEquals("later", Await.get(response, "the late answer").body());
  }

  @Test
  void onlyTheFirstAnswerCountsAndTheConnectionCarriesTheNextRequest() throws Exception {
    handler = exchange -> {
      exchange.respond(200, Map.of(), "first".getBytes(UTF_8));
      exchange.respond(500, Map.of(), "second".getBytes(UTF_8));
    };
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send("GET /a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status());
      assertEquals("first", r.body());
      c.send("GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals("first", c.readResponse().body(), "the same connection serves the next request");
    }
  }

  @Test
  void theRequestShowsMethodPathQueryHeadersAndPeer() {
    handler = exchange -> {
      TransportRequest r = exchange.request();
      String seen = String.join("|", r.method(), r.path(), r.url(), r.query("b"), String.valueOf(r.query("none")),
          r.queryParameters().toString(), r.header("x-custom"), String.valueOf(r.header("X-Absent")),
          String.valueOf(r.remoteAddress().getAddress().isLoopbackAddress()), String.valueOf(r.secure()),
          String.valueOf(exchange.isWebSocketUpgrade()));
      exchange.respond(200, Map.of(), seen.getBytes(UTF_8));
    };
    HttpResponse<String> r = RawHttp.get(url("/engine.io/?a=1&b=two&a=3"), "X-Custom", "value");
    assertEquals("GET|/engine.io/|/engine.io/?a=1&b=two&a=3|two|null|{a=[1, 3], b=[two]}|value|null|true|false|false",
        r.body());
  }

  /** Answers with the body read under {@link #BODY_LIMIT}, or 413 when it is over. */
  private static void answerWithBody(HttpExchange exchange) {
    exchange.readBody(BODY_LIMIT, new HttpExchange.BodyListener() {
      @Override
      public void onBody(byte[] body) {
        exchange.respond(200, Map.of(), body);
      }

      @Override
      public void onTooLarge() {
        exchange.respond(413, Map.of("Content-Type", "text/plain"), "too large".getBytes(UTF_8));
      }

      @Override
      public void onError(Throwable error) {
        exchange.respond(500, Map.of(), String.valueOf(error).getBytes(UTF_8));
      }
    });
  }

  @Test
  void aBodyUpToTheLimitIsReadWhole() {
    handler = HttpExchangeContract::answerWithBody;
    String body = "é".repeat(BODY_LIMIT / 2);
    HttpResponse<String> r = RawHttp.post(url("/post"), body);
    assertEquals(200, r.statusCode());
    assertEquals(body, r.body());
  }

  @Test
  void aChunkedBodyIsReadWhole() throws Exception {
    handler = HttpExchangeContract::answerWithBody;
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send(RawConnection.chunkedPostHead("/post"));
      for (String part : List.of("one,", "two,", "three")) c.send(RawConnection.chunk(part));
      c.send(RawConnection.lastChunk());
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status());
      assertEquals("one,two,three", r.body());
    }
  }

  @Test
  void aBodyOverTheLimitByContentLengthIsTooLargeAndTheAnswerEndsTheConnection() throws Exception {
    handler = HttpExchangeContract::answerWithBody;
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send("POST /post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (BODY_LIMIT + 1) + "\r\n\r\n");
      c.sendIgnoringClose("x".repeat(BODY_LIMIT + 1).getBytes(UTF_8));
      RawConnection.Response r = c.readResponse();
      assertEquals(413, r.status());
      assertEquals("too large", r.body());
      c.awaitClosedByServer();
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIsTooLargeAsItArrives() throws Exception {
    handler = HttpExchangeContract::answerWithBody;
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send(RawConnection.chunkedPostHead("/post"));
      // From another thread: the binding may answer, and stop reading, before it is all written.
      CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) body.writeBytes(RawConnection.chunk("x".repeat(1000)));
        body.writeBytes(RawConnection.lastChunk());
        return c.sendIgnoringClose(body.toByteArray());
      });
      RawConnection.Response r = c.readResponse();
      assertEquals(413, r.status());
      c.awaitClosedByServer();
      Await.get(writer, "the body writer to stop");
    }
  }

  @Test
  void aStreamSendsEachChunkAtOnceInOrderAndEndsOnClose() throws Exception {
    BlockingQueue<HttpExchange> held = new LinkedBlockingQueue<>();
    handler = held::add;
    CompletableFuture<HttpResponse<InputStream>> response = RawHttp.CLIENT.sendAsync(
        HttpRequest.newBuilder(URI.create(url("/stream"))).build(), HttpResponse.BodyHandlers.ofInputStream());
    HttpExchange exchange = Await.take(held, "the request to reach the handler");
    HttpExchange.ResponseStream stream = exchange.stream(200, Map.of("Content-Type", "text/event-stream"));
    CompletableFuture<Throwable> first = new CompletableFuture<>();
    stream.write("one\n".getBytes(UTF_8), first::complete);
    HttpResponse<InputStream> r = Await.get(response, "the stream's head");
    assertEquals(200, r.statusCode());
    assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(null));
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), UTF_8))) {
      assertEquals("one", lines.readLine(), "a chunk arrives before the next is written");
      assertNull(Await.get(first, "the first write's callback"));
      // Written back to back from two threads in turn: they arrive in call order.
      List<CompletableFuture<Throwable>> done = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        CompletableFuture<Throwable> written = new CompletableFuture<>();
        done.add(written);
        byte[] chunk = ("line " + i + "\n").getBytes(UTF_8);
        if (i % 2 == 0) stream.write(chunk, written::complete);
        else CompletableFuture.runAsync(() -> stream.write(chunk, written::complete)).join();
      }
      stream.close();
      for (int i = 0; i < 20; i++) {
        assertEquals("line " + i, lines.readLine());
        assertNull(Await.get(done.get(i), "write " + i + "'s callback"));
      }
      assertNull(lines.readLine(), "close ends the response");
    }
  }

  @Test
  void abortRunsWhenThePeerGoesAwayFromAHeldRequest() {
    CountDownLatch aborted = new CountDownLatch(1);
    BlockingQueue<HttpExchange> held = new LinkedBlockingQueue<>();
    handler = exchange -> {
      exchange.onAbort(aborted::countDown);
      held.add(exchange);
    };
    HttpExchange exchange;
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send("GET /held HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      exchange = Await.take(held, "the request to reach the handler");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Await.latch(aborted, "the abort callback after the peer closed");
    assertDoesNotThrow(() -> exchange.respond(200, Map.of(), "too late".getBytes(UTF_8)),
        "answering an aborted exchange is harmless");
  }

  @Test
  void abortRunsWhenThePeerDropsAStream() throws Exception {
    CountDownLatch aborted = new CountDownLatch(1);
    handler = exchange -> {
      HttpExchange.ResponseStream stream = exchange.stream(200, Map.of("Content-Type", "text/event-stream"));
      exchange.onAbort(aborted::countDown);
      stream.write("hello\n".getBytes(UTF_8), error -> {});
    };
    try (RawConnection c = RawConnection.open(http.port())) {
      c.send("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals(200, c.readHead().status(), "the stream started");
    }
    Await.latch(aborted, "the abort callback after the peer dropped the stream");
  }

  @Test
  void aWebSocketCarriesFramesBothWaysAndClosesFromEitherSide() {
    BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();
    handler = exchange -> {
      if (!exchange.isWebSocketUpgrade()) {
        exchange.respond(400, Map.of(), new byte[0]);
        return;
      }
      exchange.acceptWebSocket(Map.of(), connection -> new EchoListener(connection, serverEvents));
    };
    BlockingQueue<String> clientEvents = new LinkedBlockingQueue<>();
    WebSocket ws = Await.get(RawHttp.CLIENT.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + http.port() + "/ws"), new Recorder(clientEvents)), "the WebSocket to open");
    ws.sendText("hi", true);
    assertEquals("text echo hi", Await.take(clientEvents, "the text echo"));
    ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
    assertEquals("binary [1, 2, 3]", Await.take(clientEvents, "the binary echo"));
    ws.sendText("bye", true);
    assertEquals("text last", Await.take(clientEvents, "the frame sent before the close"));
    assertEquals("close 1000 done", Await.take(clientEvents, "the server's close"));
    assertEquals("close 1000", Await.take(serverEvents, "the close on the server's side"));

    WebSocket second = Await.get(RawHttp.CLIENT.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + http.port() + "/ws"), new Recorder(new LinkedBlockingQueue<>())),
        "a second WebSocket to open");
    Await.get(second.sendClose(1000, "client done"), "the client's close to go out");
    assertEquals("close 1000", Await.take(serverEvents, "the client's close on the server's side"));
  }

  /** Echoes frames; on the text "bye" sends "last" and closes with 1000 "done". */
  private record EchoListener(WebSocketConnection connection, BlockingQueue<String> events)
      implements WebSocketListener {
    @Override
    public void onText(String text) {
      if (text.equals("bye")) {
        connection.sendText("last".getBytes(UTF_8), error -> {});
        connection.close(1000, "done");
      } else {
        connection.sendText(("echo " + text).getBytes(UTF_8), error -> {});
      }
    }

    @Override
    public void onBinary(byte[] data) {
      connection.sendBinary(data, error -> {});
    }

    @Override
    public void onClose(int code, String reason) {
      events.add("close " + code);
    }

    @Override
    public void onError(Throwable error) {
      events.add("error " + error);
    }
  }

  /** Records what a JDK WebSocket client receives. */
  private record Recorder(BlockingQueue<String> events) implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      events.add("text " + data);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      events.add("binary " + Arrays.toString(bytes));
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add("close " + statusCode + " " + reason);
      return null;
    }
  }
}
