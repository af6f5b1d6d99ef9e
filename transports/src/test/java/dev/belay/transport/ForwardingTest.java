package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.engine.SessionIds;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes, no stickiness: a client whose consecutive requests land on different nodes. */
class ForwardingTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Tag to address, as the cluster heartbeats would advertise; written in setUp, read by I/O threads. */
  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  /** The nodes; written in setUp only. */
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private record Node(EngineServer engine, Undertow undertow, String base, String address) {}

  @BeforeEach
  void setUp() {
    for (int i = 0; i < 3; i++) {
      EngineServer engine = new EngineServer(EngineOptions.builder().build());
      engine.nodeTag(SessionIds.tagFor("node-" + i));
      engine.onConnection(socket -> socket.onMessage(data -> socket.send("echo:" + data)));
      Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
          .setHandler(new ForwardingHandler(engine, new BelayHandler(engine, ResponseCodeHandler.HANDLE_404), addresses::get))
          .build();
      undertow.start();
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      String address = "127.0.0.1:" + port;
      addresses.put(engine.nodeTag(), address);
      nodes.add(new Node(engine, undertow, "http://" + address + "/socket.io/?EIO=4&transport=", address));
    }
  }

  @AfterEach
  void tearDown() {
    for (Node n : nodes) {
      n.engine().close();
      n.undertow().stop();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String handshake(Node node, String transport) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(node.base() + transport)));
    String body = r.body();
    assertTrue(body.startsWith("0{\"sid\":\""), r.statusCode() + " " + r.headers().map() + " " + body);
    return body.substring(9, body.indexOf('"', 9));
  }

  /** Packets of a poll, pings answered by skipping them (the test is far shorter than a ping interval). */
  private List<String> poll(Node node, String sid) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(node.base() + "polling&sid=" + sid)));
    assertEquals(200, r.statusCode(), r.body());
    List<String> packets = new ArrayList<>();
    for (String p : r.body().split("\u001e")) if (!p.equals("2")) packets.add(p);
    return packets;
  }

  @Test
  void everyRequestOfAPollingSessionMayLandOnAnyNode() throws Exception {
    String sid = handshake(nodes.get(0), "polling");
    assertEquals(SessionIds.tagOf(sid), nodes.get(0).engine().nodeTag());
    for (int i = 0; i < 60; i++) {
      Node postTo = nodes.get((i + 1) % 3);
      Node pollAt = nodes.get((i + 2) % 3);
      HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create(postTo.base() + "polling&sid=" + sid))
          .POST(HttpRequest.BodyPublishers.ofString("4m" + i)));
      assertEquals("ok", posted.body());
      assertEquals(List.of("4echo:m" + i), poll(pollAt, sid));
    }
    assertEquals(1, nodes.get(0).engine().clientsCount());
    assertEquals(0, nodes.get(1).engine().clientsCount() + nodes.get(2).engine().clientsCount());
  }

  @Test
  void aHeldPollOnOneNodeGetsWhatAPostOnAnotherSent() throws Exception {
    String sid = handshake(nodes.get(1), "polling");
    CompletableFuture<HttpResponse<String>> held = http.sendAsync(
        HttpRequest.newBuilder(URI.create(nodes.get(2).base() + "polling&sid=" + sid)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("ok", send(HttpRequest.newBuilder(URI.create(nodes.get(0).base() + "polling&sid=" + sid))
        .POST(HttpRequest.BodyPublishers.ofString("4a\u001e4b\u001e4c"))).body());
    StringBuilder got = new StringBuilder(held.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).body());
    while (!got.toString().contains("4echo:c")) {
      got.append('\u001e').append(String.join("\u001e", poll(nodes.get(0), sid)));
    }
    String all = got.toString();
    assertTrue(all.indexOf("4echo:a") < all.indexOf("4echo:b") && all.indexOf("4echo:b") < all.indexOf("4echo:c"), all);
  }

  @Test
  void sseStreamOnOneNodeGetsEveryEventOfPostsOnTheOthersInOrder() throws Exception {
    // The stream stays on the node that took the handshake; through a forwarding node it still
    // flushes per event (the test waits for each echo before the next post).
    HttpResponse<java.util.stream.Stream<String>> stream = http.send(
        HttpRequest.newBuilder(URI.create(nodes.get(1).base() + "sse")).build(), HttpResponse.BodyHandlers.ofLines());
    java.util.Iterator<String> lines = stream.body().iterator();
    String sid = null;
    while (sid == null) {
      String line = lines.next();
      int at = line.indexOf("\"sid\":\"");
      if (at >= 0) sid = line.substring(at + 7, line.indexOf('"', at + 7));
    }
    for (int i = 0; i < 30; i++) {
      Node postTo = nodes.get(i % 2 == 0 ? 0 : 2);
      assertEquals("ok", send(HttpRequest.newBuilder(URI.create(postTo.base() + "sse&sid=" + sid))
          .POST(HttpRequest.BodyPublishers.ofString("4s" + i))).body());
      String line;
      do {
        line = lines.next();
      } while (!line.startsWith("data: 4"));
      assertEquals("data: 4echo:s" + i, line);
    }
    stream.body().close();
  }

  @Test
  void webSocketUpgradeOfAPollingSessionOnAnotherNode() throws Exception {
    String sid = handshake(nodes.get(0), "polling");
    LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(
        URI.create("ws://" + nodes.get(1).address() + "/socket.io/?EIO=4&transport=websocket&sid=" + sid),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frames.add(data.toString());
            webSocket.request(1);
            return null;
          }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    ws.sendText("2probe", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("3probe", frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    // The pending poll is answered with a noop so the client can finish the upgrade; ask for it on a third node.
    poll(nodes.get(2), sid);
    ws.sendText("5", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    ws.sendText("4hi", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String frame;
    do {
      frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } while (frame != null && frame.equals("2"));
    assertEquals("4echo:hi", frame);
    assertEquals(1, nodes.get(0).engine().clientsCount());
    ws.abort();
  }

  @Test
  void aSessionOfADeadOwnerIsUnknownPromptly() throws Exception {
    String sid = handshake(nodes.get(0), "polling");
    addresses.remove(nodes.get(0).engine().nodeTag()); // its heartbeats stopped
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(nodes.get(1).base() + "polling&sid=" + sid)));
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("\"code\":1"), r.body());
  }

  @Test
  void anOwnerThatStoppedAnswersIsUnknownSessionAtOnceNotAProxyError() throws Exception {
    String sid = handshake(nodes.get(0), "polling");
    nodes.get(0).undertow().stop(); // killed: its address is still listed, nothing answers there
    for (Node other : List.of(nodes.get(1), nodes.get(2), nodes.get(1))) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(other.base() + "polling&sid=" + sid)));
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"code\":1"), r.body());
      HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(other.base() + "polling&sid=" + sid))
          .POST(HttpRequest.BodyPublishers.ofString("4hello")));
      assertEquals(400, post.statusCode(), post.body());
    }
  }

  @Test
  void aForwardedRequestIsNeverForwardedAgain() throws Exception {
    String sid = handshake(nodes.get(0), "polling");
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(nodes.get(1).base() + "polling&sid=" + sid))
        .header(ForwardingHandler.FORWARDED_HEADER, "1"));
    assertEquals(400, r.statusCode());
  }

  /**
   * A node that drains relays other nodes' sessions too: it closes those connections a few at a
   * time over the drain, as it does its own sessions, so that stopping it afterwards cuts nobody
   * at once. Four sessions of node 0 whose WebSockets go through node 1; node 1 drains over 1 s.
   */
  @Test
  void aDrainingNodeClosesTheConnectionsItRelaysSpreadOverTheDrain() throws Exception {
    int relays = 4;
    List<CompletableFuture<Long>> closedAt = new ArrayList<>();
    for (int i = 0; i < relays; i++) {
      String sid = handshake(nodes.get(0), "polling");
      CompletableFuture<Long> closed = new CompletableFuture<>();
      closedAt.add(closed);
      WebSocket ws = http.newWebSocketBuilder().buildAsync(
          URI.create("ws://" + nodes.get(1).address() + "/socket.io/?EIO=4&transport=websocket&sid=" + sid),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
              closed.complete(System.nanoTime());
              return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
              closed.complete(System.nanoTime()); // the TCP connection went without a close frame
            }
          }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      ws.sendText("2probe", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    assertTrue(closedAt.stream().noneMatch(CompletableFuture::isDone), "the relays are open");

    long start = System.nanoTime();
    nodes.get(1).engine().drain(Duration.ofSeconds(1));
    List<Long> times = new ArrayList<>();
    for (CompletableFuture<Long> closed : closedAt) times.add(closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    times.sort(null);
    long firstToLastMillis = (times.get(relays - 1) - times.get(0)) / 1_000_000;
    // Slot i of 4 in 1 s: the first within 250 ms, the last after 750 ms.
    assertTrue(firstToLastMillis >= 250, "closes spread over the drain: first to last " + firstToLastMillis + " ms");
    assertTrue((times.get(relays - 1) - start) / 1_000_000 < TIMEOUT.toMillis(), "all closed");
  }
}
