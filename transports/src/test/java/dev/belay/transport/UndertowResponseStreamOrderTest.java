package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chunks of a streamed response go out in the order they were written, whichever thread wrote
 * them: a chunk written on the I/O thread must not overtake one that another thread wrote before
 * it and that is still waiting to hop onto that I/O thread (an SSE upgrade marker written on the
 * I/O thread went out before a packet a worker had written just before it, and that packet was lost).
 */
class UndertowResponseStreamOrderTest {

  @Test
  void aChunkWrittenOnTheIoThreadWaitsForOneHandedOverBeforeIt() throws Exception {
    Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ex -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
      // as BelayHandler does: on the exchange's I/O thread, and the exchange outlives the handler
      HttpServerExchange exchange = ex;
      UndertowResponseStream stream = new UndertowResponseStream(exchange, () -> {}, () -> {});
      stream.start(200, Map.of("Content-Type", "text/plain"));
      stream.write(bytes("0"), e -> {});
      // another thread writes "1": the chunk waits for this (busy) I/O thread
      Thread other = new Thread(() -> stream.write(bytes("1"), e -> {}));
      other.start();
      try {
        other.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      // then the I/O thread itself writes "2", and ends the stream
      stream.write(bytes("2"), e -> {});
      stream.close();
    })).build();
    server.start();
    try {
      int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
      HttpResponse<String> res = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode());
      assertEquals("012", res.body());
    } finally {
      server.stop();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
