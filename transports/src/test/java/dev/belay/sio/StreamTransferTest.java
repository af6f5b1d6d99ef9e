package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Socket;
import dev.belay.stream.InboundStream;
import dev.belay.stream.OutboundStream;
import dev.belay.stream.StreamOptions;
import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large-data transfers between the Java API and the bundled client under Node, on each transport,
 * with maxPayload left at 1 MB: the SHA-256 matches both ways; a slow reader keeps the server's
 * buffered bytes within one window and its heap flat; a corrupted or cut-off transfer is never
 * reported complete. Size per transfer: {@code -Dbelay.streamBytes} (default 64 MiB; the issue's
 * 200 MB run is {@code -Dbelay.streamBytes=209715200}).
 */
class StreamTransferTest {
  private static final long BYTES = Long.getLong("belay.streamBytes", 64L << 20);
  private static final int WINDOW = StreamOptions.defaults().windowBytes();
  private static Path client;
  private SioServer server;
  // The upload the server received last: size and SHA-256, or the failure; completed by the reader thread.
  private final CompletableFuture<String[]> upload = new CompletableFuture<>();
  // The download the server sent last: size and SHA-256; completed by the sender thread.
  private final CompletableFuture<String[]> download = new CompletableFuture<>();
  // Most bytes seen buffered by the receiver (upload) or unacknowledged by the sender (download); any thread.
  private final AtomicLong maxInFlight = new AtomicLong();
  // Most heap growth over the baseline seen at checkpoints of a slow transfer; any thread.
  private final AtomicLong maxHeapGrowth = new AtomicLong();
  // Bytes per second the server reads an upload at, 0 for as fast as it can; set before the transfer.
  private volatile long readRate;
  private volatile long heapBaseline;

  @BeforeAll
  static void writeClient() throws IOException {
    client = Files.createTempFile("belay-client-", ".mjs");
    client.toFile().deleteOnExit();
    Files.write(client, ClientScriptHandler.resource("socket.io.esm.js"));
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private void start() {
    server = SioServer.start(e -> {}, o -> {}, s -> s.on("connection", this::install));
  }

  private void install(Socket socket) {
    socket.onStream("upload", (meta, in) -> {
      in.completion().whenComplete((size, error) -> {
        if (error != null) socket.emit("verdict", "failed: " + error.getMessage());
      });
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
      long started = System.nanoTime();
      long nextCheck = 0;
      for (int n; (n = data.read(buf)) >= 0; ) {
        sha.update(buf, 0, n);
        total += n;
        maxInFlight.accumulateAndGet(in.buffered(), Math::max);
        if (readRate > 0) {
          // A slow reader on purpose: it keeps to readRate bytes per second.
          long due = started + total * 1_000_000_000L / readRate;
          LockSupport.parkNanos(due - System.nanoTime());
          if (total >= nextCheck) {
            maxHeapGrowth.accumulateAndGet(heapUsedAfterGc() - heapBaseline, Math::max);
            nextCheck += BYTES / 4;
          }
        }
      }
      upload.complete(new String[] {Long.toString(total), HexFormat.of().formatHex(sha.digest()),
          Long.toString(in.completion().join())});
    } catch (Exception e) {
      upload.completeExceptionally(e);
    }
  }

  private void send(Socket socket, long bytes) {
    try {
      OutboundStream out = socket.stream("download", Map.of("size", bytes));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long nextCheck = 0;
      for (long sent = 0; sent < bytes; ) {
        byte[] block = new byte[(int) Math.min(256 * 1024, bytes - sent)];
        ThreadLocalRandom.current().nextBytes(block);
        sha.update(block);
        out.write(block).toCompletableFuture().get(120, TimeUnit.SECONDS);
        sent += block.length;
        maxInFlight.accumulateAndGet(out.written() - out.acknowledged(), Math::max);
        if (heapBaseline > 0 && sent >= nextCheck) {
          maxHeapGrowth.accumulateAndGet(heapUsedAfterGc() - heapBaseline, Math::max);
          nextCheck += bytes / 4;
        }
      }
      long size = out.end().get(120, TimeUnit.SECONDS);
      socket.emit("sent", size);
      download.complete(new String[] {Long.toString(size), HexFormat.of().formatHex(sha.digest())});
    } catch (Exception e) {
      download.completeExceptionally(e);
    }
  }

  /**
   * What the heap holds right after a full collection, as the collector itself recorded it: the
   * heap's current usage would also count whatever other threads (the I/O thread compressing, the
   * transfer going on) allocated between the collection and the reading.
   */
  private static long heapUsedAfterGc() {
    System.gc();
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) used += pool.getCollectionUsage().getUsed();
    }
    return used;
  }

  private String[] run(String transport, String mode, long bytes, String... extra) {
    String[] args = new String[5 + extra.length];
    args[0] = client.toString();
    args[1] = server.url();
    args[2] = transport;
    args[3] = mode;
    args[4] = Long.toString(bytes);
    System.arraycopy(extra, 0, args, 5, extra.length);
    NodeScript.Result r = NodeScript.run("bundled-streams.mjs", Duration.ofMinutes(10), args);
    String output = "stdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr();
    assertEquals(0, r.exitCode(), output);
    String ok = r.lines().stream().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow(() -> new AssertionError(output));
    System.out.println("[streams] " + transport + " " + ok);
    return ok.split(" ", 5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "sse"})
  void uploadArrivesWhole(String transport) throws Exception {
    start();
    String[] client = run(transport, "upload", BYTES);
    String[] got = upload.get(60, TimeUnit.SECONDS);
    assertEquals(Long.toString(BYTES), client[2]);
    assertEquals(client[2], got[0]);
    assertEquals(client[2], got[2]);
    assertEquals(client[3], got[1], "SHA-256 of what the server read");
    assertTrue(maxInFlight.get() <= WINDOW, "buffered " + maxInFlight.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "sse"})
  void downloadArrivesWhole(String transport) throws Exception {
    start();
    String[] client = run(transport, "download", BYTES);
    String[] sent = download.get(60, TimeUnit.SECONDS);
    assertEquals(Long.toString(BYTES), client[2]);
    assertEquals(sent[0], client[2]);
    assertEquals(sent[1], client[3], "SHA-256 of what the client read");
    assertTrue(maxInFlight.get() <= WINDOW, "unacknowledged " + maxInFlight.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling"})
  void aSlowServerReaderSlowsTheClient(String transport) throws Exception {
    start();
    long bytes = 24L << 20;
    readRate = 8L << 20;
    heapBaseline = heapUsedAfterGc();
    String[] client = run(transport, "upload", bytes);
    String[] got = upload.get(60, TimeUnit.SECONDS);
    assertEquals(client[3], got[1]);
    assertTrue(maxInFlight.get() <= WINDOW, "buffered " + maxInFlight.get() + " > window " + WINDOW);
    assertTrue(maxHeapGrowth.get() < 16L << 20, "heap grew by " + maxHeapGrowth.get() + " bytes for a " + bytes + " byte upload");
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void aSlowClientReaderSlowsTheServer(String transport) throws Exception {
    start();
    long bytes = 24L << 20;
    heapBaseline = heapUsedAfterGc();
    String[] client = run(transport, "download", bytes, "3");
    String[] sent = download.get(60, TimeUnit.SECONDS);
    assertEquals(sent[1], client[3]);
    assertTrue(maxInFlight.get() <= WINDOW, "unacknowledged " + maxInFlight.get() + " > window " + WINDOW);
    assertTrue(maxHeapGrowth.get() < 16L << 20, "heap grew by " + maxHeapGrowth.get() + " bytes for a " + bytes + " byte download");
  }

  @Test
  void aWrongChecksumIsNeverComplete() throws Exception {
    start();
    String[] verdict = run("websocket", "corrupt", 3);
    assertTrue(String.join(" ", verdict).contains("SHA-256 mismatch"), String.join(" ", verdict));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> upload.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IOException, e.toString());
  }

  @Test
  void aCutWithoutRecoveryFailsBothSides() throws Exception {
    start();
    String[] client = run("websocket", "cut", 1 << 20);
    assertTrue(String.join(" ", client).contains("recovery is off"), String.join(" ", client));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> upload.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("recovery is off"), e.toString());
    assertFalse(upload.isDone() && !upload.isCompletedExceptionally());
  }
}
