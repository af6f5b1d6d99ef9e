package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.testing.Await;
import dev.belay.testing.RawHttp;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One client's flood does not stall the others: while a polling client POSTs bodies of 4 MB made
 * of about 1.3 million tiny packets, idle WebSocket clients on the same Undertow server (sharing
 * its I/O threads) keep answering their pings (every 300 ms, 1 s to answer) and stay
 * connected. The large bodies are decoded and dispatched on a worker, and a pong deadline counts
 * from when the ping went out. The flooder uses a second engine on the same server, with slow
 * heartbeats, so that its own session (which does not poll while it uploads) lives through it.
 */
class LargePostFloodTest {
  private static final int IDLE_CLIENTS = 40;
  private static final int FLOODS = 3;

  /** An idle Engine.IO client over the JDK WebSocket: answers pings, records its close. */
  private static final class IdleClient implements WebSocket.Listener {
    final CompletableFuture<String> opened = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String packet = text.toString();
        text.setLength(0);
        if (packet.startsWith("0")) opened.complete(packet);
        if (packet.equals("2")) {
          pings.incrementAndGet();
          ws.sendText("3", true);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }
  }

  @Test
  void idleWebSocketClientsStayConnectedWhileAnotherClientFloodsLargePosts() {
    int packets = 1_300_000;
    StringBuilder flood = new StringBuilder(packets * 3);
    for (int i = 0; i < packets; i++) {
      if (i > 0) flood.append('\u001e');
      flood.append("4x");
    }
    String body = flood.toString();
    EngineServer flooded = new EngineServer(EngineOptions.builder().path("/flood/").maxPayload(body.length() + 16)
        .pingInterval(Duration.ofSeconds(60)).pingTimeout(Duration.ofSeconds(60)).build());
    AtomicInteger floodPackets = new AtomicInteger();
    flooded.onConnection(s -> s.onMessage(m -> floodPackets.incrementAndGet()));
    EngineServer engine = new EngineServer(EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(1000)).build());
    List<String> closes = new CopyOnWriteArrayList<>();
    engine.onConnection(s -> s.onClose((reason, description) -> closes.add(reason.name() + ": " + description)));
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setHandler(new BelayHandler(engine, new BelayHandler(flooded))).build();
    undertow.start();
    String base = "127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    try {
      List<IdleClient> idle = new ArrayList<>();
      List<WebSocket> sockets = new ArrayList<>();
      for (int i = 0; i < IDLE_CLIENTS; i++) {
        IdleClient c = new IdleClient();
        sockets.add(Await.get(RawHttp.CLIENT.newWebSocketBuilder()
            .buildAsync(URI.create("ws://" + base + "/engine.io/?EIO=4&transport=websocket"), c), "idle client " + i));
        Await.get(c.opened, "the open packet");
        idle.add(c);
      }

      for (int f = 0; f < FLOODS; f++) {
        String open = RawHttp.get("http://" + base + "/flood/?EIO=4&transport=polling").body();
        String sid = open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> answer = RawHttp.post("http://" + base + "/flood/?EIO=4&transport=polling&sid=" + sid, body);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("ok", answer.body());
      }
      assertEquals(FLOODS * packets, floodPackets.get(), "every flooded packet was dispatched");
      // Two more heartbeats after the last flood: every idle client must have answered them all.
      int[] before = idle.stream().mapToInt(c -> c.pings.get()).toArray();
      Await.until(() -> {
        for (int i = 0; i < idle.size(); i++) {
          if (idle.get(i).pings.get() < before[i] + 2 && !idle.get(i).closed.isDone()) return false;
        }
        return true;
      }, "two more pings to every idle client");

      List<Integer> dropped = new ArrayList<>();
      for (int i = 0; i < idle.size(); i++) if (idle.get(i).closed.isDone()) dropped.add(i);
      assertEquals(List.of(), dropped, "idle clients dropped during the floods; server saw " + closes);
      assertEquals(List.of(), closes);
      sockets.forEach(WebSocket::abort);
    } finally {
      engine.close();
      flooded.close();
      undertow.stop();
    }
  }
}
