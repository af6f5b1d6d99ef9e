package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.stream.OutboundStream;
import dev.belay.testing.NodeScript;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import dev.belay.transport.ClientScriptHandler;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transfer bench: one transfer each way per transport with the bundled client under Node,
 * side by side with a plain HTTP POST and GET of the same size to the same Undertow server (the
 * floor), as wall time, MB/s and the server's CPU per MB (this JVM's CPU time; the client runs in
 * its own process). CI runs 16 MiB to keep it working; the figure is
 * {@code -Dbelay.benchBytes=104857600}. It asserts only that every transfer is whole.
 */
class StreamThroughputTest {
  private static final long BYTES = Long.getLong("belay.benchBytes", 16L << 20);
  private static Path client;
  private static Server io;
  private static Undertow undertow;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    client = Files.createTempFile("belay-client-", ".mjs");
    client.toFile().deleteOnExit();
    Files.write(client, ClientScriptHandler.resource("socket.io.esm.js"));
    io = new Server(ServerOptions.defaults());
    io.on("connection", socket -> {
      socket.onStream("upload", (meta, in) -> {
        Thread reader = new Thread(() -> {
          try (InputStream data = in.inputStream()) {
            data.transferTo(OutputStream.nullOutputStream());
          } catch (Exception e) {
            // the client sees the failure
          }
        }, "bench-reader");
        reader.setDaemon(true);
        reader.start();
      });
      socket.on("send-me", (args, ack) -> {
        long n = ((Number) args.get(0)).longValue();
        Thread sender = new Thread(() -> {
          try {
            OutboundStream out = socket.stream("download", Map.of("size", n));
            byte[] block = new byte[256 * 1024];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(block);
            for (long sent = 0; sent < n; sent += block.length) {
              byte[] b = sent + block.length <= n ? block.clone() : java.util.Arrays.copyOf(block, (int) (n - sent));
              out.write(b).toCompletableFuture().get(120, TimeUnit.SECONDS);
            }
            out.end().get(120, TimeUnit.SECONDS);
            socket.emit("sent", n);
          } catch (Exception e) {
            // the client sees the failure
          }
        }, "bench-sender");
        sender.setDaemon(true);
        sender.start();
      });
    });
    undertow = BelayUndertow.builder(io).addHttpListener(0, "127.0.0.1").setHandler(new BelayHandler(io, plain())).build();
    undertow.start();
    url = "http://127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** POST /plain/upload reads and counts the body; GET /plain/download?n= writes n bytes. */
  private static HttpHandler plain() {
    byte[] block = new byte[256 * 1024];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(block);
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        exchange.startBlocking();
        if (exchange.getRequestPath().equals("/plain/upload")) {
          exchange.setMaxEntitySize(Long.MAX_VALUE); // the floor: one plain POST of the whole payload
          long n = exchange.getInputStream().transferTo(OutputStream.nullOutputStream());
          exchange.getOutputStream().write(Long.toString(n).getBytes());
        } else if (exchange.getRequestPath().equals("/plain/download")) {
          long n = Long.parseLong(exchange.getQueryParameters().get("n").getFirst());
          exchange.setResponseContentLength(n);
          OutputStream out = exchange.getOutputStream();
          for (long sent = 0; sent < n; sent += block.length) out.write(block, 0, (int) Math.min(block.length, n - sent));
        } else {
          exchange.setStatusCode(404);
        }
        exchange.endExchange();
      }
    };
  }

  @AfterAll
  static void stop() {
    if (undertow != null) undertow.stop();
    if (io != null) io.close();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String measure(String transport, String mode) {
    long cpu = cpuNanos();
    NodeScript.Result r = NodeScript.run("bundled-streams.mjs", Duration.ofMinutes(10),
        client.toString(), url, transport, mode, Long.toString(BYTES));
    long cpuMs = (cpuNanos() - cpu) / 1_000_000;
    String ok = r.lines().stream().filter(l -> l.startsWith("OK ")).findFirst()
        .orElseThrow(() -> new AssertionError(r.stdout() + r.stderr()));
    String[] f = ok.split(" ");
    assertEquals(Long.toString(BYTES), f[2], ok);
    long ms = Long.parseLong(f[4].replace("ms", ""));
    double mb = BYTES / 1e6;
    return String.format("%-10s %-15s %8d ms %8.1f MB/s %8.2f server CPU ms/MB", transport, mode, ms, mb * 1000 / Math.max(1, ms), cpuMs / mb);
  }

  @Test
  void eachTransportBesideThePlainHttpFloor() {
    List<String> rows = new ArrayList<>();
    rows.add(measure("http", "plain-upload"));
    rows.add(measure("http", "plain-download"));
    for (String transport : List.of("websocket", "sse", "polling")) {
      rows.add(measure(transport, "upload"));
      rows.add(measure(transport, "download"));
    }
    System.out.println("[stream-bench] " + BYTES + " bytes per transfer, maxPayload 1 MB\n" + String.join("\n", rows));
  }
}
