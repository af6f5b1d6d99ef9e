package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.stream.InboundStream;
import dev.belay.stream.OutboundStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large-data transfers with the bundled client in headless Chromium, on each transport, with
 * maxPayload left at 1 MB: the page uploads with {@code socket.stream} (awaiting each write, the
 * backpressure) and downloads with {@code socket.onStream} through a {@code ReadableStream}. The
 * bytes follow a formula both sides compute, so each side checks every byte independently of the
 * transfer's own SHA-256. Size: {@code -Dbelay.browserStreamBytes} (default 32 MiB).
 */
class StreamBrowserTest extends SharedBrowserTest {
  private static final long BYTES = Long.getLong("belay.browserStreamBytes", 32L << 20);
  /** The byte at offset {@code i}, the same formula as the page's. */
  private static final String JS_BYTE = "(((i >>> 16) * 31 + (i >>> 8) * 7 + i) & 0xff)";

  private static byte byteAt(long offset) {
    int i = (int) offset;
    return (byte) (((i >>> 16) * 31 + (i >>> 8) * 7 + i) & 0xff);
  }

  // What the server read (byte count, or the first wrong offset as a failure); completed by the reader thread.
  private final CompletableFuture<Long> upload = new CompletableFuture<>();
  // The size the client confirmed for the download; completed by the sender thread.
  private final CompletableFuture<Long> download = new CompletableFuture<>();

  private String start() {
    Server io = new Server(ServerOptions.defaults());
    io.on("connection", socket -> {
      socket.onStream("upload", (meta, in) -> {
        Thread reader = new Thread(() -> read(in), "upload-reader");
        reader.setDaemon(true);
        reader.start();
      });
      socket.on("send-me", (args, ack) -> {
        long n = ((Number) args.get(0)).longValue();
        Thread sender = new Thread(() -> {
          try {
            OutboundStream out = socket.stream("download", Map.of("size", n));
            for (long sent = 0; sent < n; ) {
              byte[] block = new byte[(int) Math.min(256 * 1024, n - sent)];
              for (int j = 0; j < block.length; j++) block[j] = byteAt(sent + j);
              out.write(block).toCompletableFuture().get(120, TimeUnit.SECONDS);
              sent += block.length;
            }
            download.complete(out.end().get(120, TimeUnit.SECONDS));
          } catch (Exception e) {
            download.completeExceptionally(e);
          }
        }, "download-sender");
        sender.setDaemon(true);
        sender.start();
      });
    });
    closing.add(io::close);
    Listening http = io.listen("127.0.0.1", 0);
    closing.add(http);
    return "http://127.0.0.1:" + http.port();
  }

  private void read(InboundStream in) {
    try (InputStream data = in.inputStream()) {
      byte[] buf = new byte[64 * 1024];
      long offset = 0;
      for (int n; (n = data.read(buf)) >= 0; ) {
        for (int j = 0; j < n; j++) {
          if (buf[j] != byteAt(offset + j)) throw new AssertionError("wrong byte at " + (offset + j));
        }
        offset += n;
      }
      assertEquals(offset, in.completion().join());
      upload.complete(offset);
    } catch (Throwable e) {
      upload.completeExceptionally(e);
    }
  }

  private void connect(String origin, String transport) {
    browser.loadServedClient(origin);
    Object r = browser.jsAsync("const done = arguments[arguments.length - 1];"
        + "window.socket = io(arguments[0], { forceNew: true, transports: [arguments[1]] });"
        + "socket.once('connect', () => done(socket.io.engine.transport.name));"
        + "socket.once('connect_error', (e) => done('error: ' + e.message));", origin, transport);
    assertEquals(transport, r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "sse"})
  void thePageUploads(String transport) throws Exception {
    connect(start(), transport);
    browser.js("window.result = null; const N = arguments[0];"
        + "const out = socket.stream('upload', { size: N });"
        + "window.progress = 0; out.onprogress = (n) => { window.progress = n; };"
        + "(async () => {"
        + "  for (let sent = 0; sent < N; ) {"
        + "    const n = Math.min(256 * 1024, N - sent); const b = new Uint8Array(n);"
        + "    for (let j = 0; j < n; j++) { const i = sent + j; b[j] = " + JS_BYTE + "; }"
        + "    await out.write(b); sent += n;"
        + "  }"
        + "  window.result = { size: await out.end(), progress: window.progress };"
        + "})().catch((e) => { window.result = { error: String(e) }; });", BYTES);
    browser.waitUntil("return window.result !== null", Duration.ofMinutes(5));
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) browser.js("return window.result");
    assertEquals(BYTES, ((Number) r.get("size")).longValue(), String.valueOf(r));
    assertEquals(BYTES, ((Number) r.get("progress")).longValue(), "progress seen by the page: " + r);
    assertEquals(BYTES, upload.get(60, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "sse"})
  void thePageDownloads(String transport) throws Exception {
    connect(start(), transport);
    browser.js("window.result = null;"
        + "socket.onStream('download', async (meta, t) => {"
        + "  try {"
        + "    let i = 0; const reader = t.readable.getReader();"
        + "    for (;;) {"
        + "      const { value, done } = await reader.read(); if (done) break;"
        + "      for (let j = 0; j < value.length; j++, i++) {"
        + "        if (value[j] !== " + JS_BYTE + ") throw new Error('wrong byte at ' + i);"
        + "      }"
        + "    }"
        + "    window.result = { read: i, size: await t.done, announced: meta.size };"
        + "  } catch (e) { window.result = { error: String(e) }; }"
        + "});"
        + "socket.emit('send-me', arguments[0]);", BYTES);
    browser.waitUntil("return window.result !== null", Duration.ofMinutes(5));
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) browser.js("return window.result");
    assertTrue(r.containsKey("read"), String.valueOf(r));
    assertEquals(BYTES, ((Number) r.get("read")).longValue(), String.valueOf(r));
    assertEquals(BYTES, ((Number) r.get("size")).longValue(), String.valueOf(r));
    assertEquals(BYTES, download.get(60, TimeUnit.SECONDS));
  }
}
