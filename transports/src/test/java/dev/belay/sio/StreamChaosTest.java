package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Socket;
import dev.belay.stream.InboundStream;
import dev.belay.stream.OutboundStream;
import dev.belay.stream.StreamOptions;
import dev.belay.testing.ChaosProxy;
import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transfers through a {@link ChaosProxy} that keeps cutting every connection, with connection
 * state recovery on: each transfer completes with the right SHA-256 after several reconnections,
 * resumed from the last acknowledged byte rather than restarted (chunk bytes sent, resends
 * included, stay under 1.2 times the payload). The reader is slowed down so that the transfer
 * lasts long enough to be cut several times. {@code -Dstreams.chaosSeed=N} replays a run.
 */
class StreamChaosTest {
  private static final long SEED = Long.getLong("streams.chaosSeed", System.nanoTime());
  private static final long BYTES = 48L << 20;
  private static Path client;
  private SioServer server;
  // What the server read (size, SHA-256) or sent (size, SHA-256, chunk bytes sent); completed by its thread.
  private final CompletableFuture<String[]> result = new CompletableFuture<>();
  // Sockets a client asked to resume and got fresh instead, with the reason; added on the server's threads.
  private final Queue<String> freshSockets = new ConcurrentLinkedQueue<>();
  private final long started = System.nanoTime();

  @BeforeAll
  static void writeClient() throws IOException {
    client = Files.createTempFile("belay-client-", ".mjs");
    client.toFile().deleteOnExit();
    Files.write(client, ClientScriptHandler.resource("socket.io.esm.js"));
    System.out.println("StreamChaosTest seed " + SEED + " (-Dstreams.chaosSeed to replay)");
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private void install(Socket socket) {
    if (socket.recoveryFailure() != null) {
      freshSockets.add(socket.id() + " " + socket.recoveryFailure() + " at " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
    socket.onStream("upload", (meta, in) -> {
      Thread reader = new Thread(() -> read(in), "upload-reader");
      reader.setDaemon(true);
      reader.start();
    });
    socket.on("send-me", (args, ack) -> {
      long n = ((Number) args.get(0)).longValue();
      Thread sender = new Thread(() -> send(socket, n), "download-sender");
      sender.setDaemon(true);
      sender.start();
    });
  }

  private void read(InboundStream in) {
    try (InputStream data = in.inputStream()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      long rate = 12L << 20;
      long started = System.nanoTime();
      for (int n; (n = data.read(buf)) >= 0; ) {
        sha.update(buf, 0, n);
        total += n;
        // A slow reader on purpose, so that the transfer spans several cuts.
        LockSupport.parkNanos(started + total * 1_000_000_000L / rate - System.nanoTime());
      }
      result.complete(new String[] {Long.toString(total), HexFormat.of().formatHex(sha.digest())});
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
  }

  private void send(Socket socket, long bytes) {
    try {
      // the socket that asked may be replaced by a restored one; the transfer follows the session
      OutboundStream out = socket.stream("download", Map.of("size", bytes));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (long sent = 0; sent < bytes; ) {
        byte[] block = new byte[(int) Math.min(256 * 1024, bytes - sent)];
        ThreadLocalRandom.current().nextBytes(block);
        sha.update(block);
        out.write(block).toCompletableFuture().get(120, TimeUnit.SECONDS);
        sent += block.length;
      }
      long size = out.end().get(120, TimeUnit.SECONDS);
      result.complete(new String[] {Long.toString(size), HexFormat.of().formatHex(sha.digest()), Long.toString(out.bytesSent())});
      socket.emit("sent", size);
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "upload, websocket", "upload, polling", "upload, sse",
      "download, websocket", "download, polling", "download, sse",
  })
  void completesResumedThroughCuts(String mode, String transport) throws Exception {
    server = SioServer.start(e -> {}, o -> o.connectionStateRecovery(ConnectionStateRecovery.defaults()),
        s -> s.on("connection", this::install));
    int port = Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
    try (ChaosProxy proxy = ChaosProxy.start(port, SEED ^ (mode + transport).hashCode(), 300, 900)) {
      NodeScript.Result r = NodeScript.run("bundled-streams.mjs", Duration.ofMinutes(5), client.toString(),
          "http://127.0.0.1:" + proxy.port(), transport, mode, Long.toString(BYTES), "4", "chaos");
      String output = mode + "/" + transport + ", " + proxy.cuts() + " cuts, seed " + SEED + "\nrefused resumes on the server: " + freshSockets + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr();
      System.out.println("[streams-chaos] " + output.replace('\n', ' '));
      assertEquals(0, r.exitCode(), output);
      String ok = r.lines().stream().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow(() -> new AssertionError(output));
      String[] c = ok.split(" ");
      String[] s = result.get(60, TimeUnit.SECONDS);
      assertEquals(Long.toString(BYTES), c[2], output);
      assertEquals(s[0], c[2], output);
      assertEquals(s[1], c[3], "SHA-256; " + output);
      int reconnects = Integer.parseInt(c[5].substring("reconnects=".length()));
      assertEquals("notRecovered=0", c[6], output);
      assertTrue(reconnects >= 2 || proxy.cuts() >= 3, "too few cuts to prove anything; " + output);
      long sentBytes = mode.equals("upload") ? Long.parseLong(c[7].substring("bytesSent=".length())) : Long.parseLong(s[2]);
      // A cut costs at most the window in flight when it came (resent after the resume), so what is
      // sent stays within the payload plus one window per cut, however many cuts a loaded machine
      // lets the proxy make.
      long bound = BYTES + (proxy.cuts() + 1L) * StreamOptions.defaults().windowBytes();
      assertTrue(sentBytes <= bound, "sent " + sentBytes + " chunk bytes for " + BYTES + " (bound " + bound + "); " + output);
    }
  }
}
