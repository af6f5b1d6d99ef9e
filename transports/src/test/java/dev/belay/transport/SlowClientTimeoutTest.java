package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.EngineOptions;
import dev.belay.binding.Listening;
import dev.belay.testing.Await;
import dev.belay.testing.RawConnection;
import dev.belay.testing.RawHttp;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow clients are cut off by the timeouts, both on {@code io.listen} and on the README's
 * mounting recipe ({@code BelayUndertow.builder(io)} + {@code BelayHandler}): a request head sent
 * one byte at a time is cut at requestHeadersTimeout (it is a deadline for the whole head, not
 * between bytes), a POST body that stops arriving at bodyReadTimeout (and its session closes),
 * and a connection that sends nothing at idleTimeout. The timeouts are set small here; each
 * check also shows the connection was not cut well before its timeout.
 */
class SlowClientTimeoutTest {
  private static final long HEADERS_MS = 1_000;
  private static final long BODY_MS = 1_000;
  private static final long IDLE_MS = 2_000;

  private final ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
  private final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
  private AutoCloseable running;

  @AfterEach
  void stop() throws Exception {
    dripper.shutdownNow();
    if (running != null) running.close();
  }

  private Server server() {
    Server io = new Server(ServerOptions.builder().engine(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10))
        .requestHeadersTimeout(Duration.ofMillis(HEADERS_MS))
        .bodyReadTimeout(Duration.ofMillis(BODY_MS))
        .idleTimeout(Duration.ofMillis(IDLE_MS))
        .build()).build());
    io.engine().onConnection(s -> s.onClose((reason, description) -> disconnects.add(reason.text() + ": " + description)));
    return io;
  }

  /** Starts a server one way or the other; returns its port. */
  private int start(String how) {
    Server io = server();
    if (how.equals("listen")) {
      Listening http = io.listen("127.0.0.1", 0);
      running = http;
      return http.port();
    }
    // ---- the README's mounting recipe
    Undertow undertow = BelayUndertow.builder(io)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(new BelayHandler(io, ResponseCodeHandler.HANDLE_404))
        .build();
    undertow.start();
    // ----
    running = () -> {
      io.close();
      undertow.stop();
    };
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Sends {@code bytes} one at a time, every {@code periodMillis}, until done or the connection is cut. */
  private ScheduledFuture<?> drip(RawConnection c, String bytes, long periodMillis) {
    int[] next = {0};
    return dripper.scheduleAtFixedRate(() -> {
      if (next[0] < bytes.length() && c.sendIgnoringClose(new byte[] {(byte) bytes.charAt(next[0])})) next[0]++;
    }, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Waits until the server closes {@code c}; returns the milliseconds since {@code since}. */
  private static long closedAfter(RawConnection c, long since) {
    c.awaitClosedByServer();
    return (System.nanoTime() - since) / 1_000_000;
  }

  @ParameterizedTest
  @ValueSource(strings = {"listen", "mounted"})
  void aRequestHeadSentOneByteAtATimeIsCutAtTheHeadersTimeout(String how) {
    int port = start(how);
    try (RawConnection c = RawConnection.open(port)) {
      long start = System.nanoTime();
      ScheduledFuture<?> drip = drip(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Slow: "
          + "a".repeat(400), 100);
      long took = closedAfter(c, start);
      drip.cancel(false);
      assertTrue(took >= HEADERS_MS - 100, "cut after " + took + " ms, before the headers timeout");
      assertTrue(took < HEADERS_MS + 8_000, "cut after " + took + " ms");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"listen", "mounted"})
  void aPostBodyThatStopsArrivingIsCutAtTheBodyReadTimeoutAndItsSessionCloses(String how) throws Exception {
    int port = start(how);
    String sid = openPolling(port);
    try (RawConnection c = RawConnection.open(port)) {
      c.send("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n4hello");
      long start = System.nanoTime();
      long took = closedAfter(c, start);
      assertTrue(took >= BODY_MS - 100, "cut after " + took + " ms, before the body read timeout");
      assertTrue(took < BODY_MS + 8_000, "cut after " + took + " ms");
    }
    String closed = Await.take(disconnects, "the session to close");
    assertTrue(closed.startsWith("transport error: reading a POST failed"), closed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"listen", "mounted"})
  void aBodyThatKeepsComingWithinTheTimeoutIsRead(String how) throws Exception {
    int port = start(how);
    String sid = openPolling(port);
    try (RawConnection c = RawConnection.open(port)) {
      c.send("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: text/plain\r\nContent-Length: 8\r\n\r\n");
      drip(c, "4slowly!", BODY_MS / 4);
      RawConnection.Response r = c.readResponse();
      assertEquals(200, r.status());
      assertEquals("ok", r.body());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"listen", "mounted"})
  void aConnectionThatSendsNothingIsCutAtTheIdleTimeout(String how) {
    int port = start(how);
    try (RawConnection c = RawConnection.open(port)) {
      long start = System.nanoTime();
      long took = closedAfter(c, start);
      assertTrue(took >= IDLE_MS - 100, "cut after " + took + " ms, before the idle timeout");
      assertTrue(took < IDLE_MS + 8_000, "cut after " + took + " ms");
    }
  }

  private static String openPolling(int port) {
    String body = RawHttp.get("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling").body();
    String open = body.substring(body.indexOf("0{"));
    return open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
  }

}
