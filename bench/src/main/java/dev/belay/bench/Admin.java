package dev.belay.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The admin endpoint every bench server opens on port + 1: {@code GET /mem} runs a full GC and
 * answers the heap used after it, so the generator can read heap per connection of any JVM
 * server the same way it reads Node's {@code process.memoryUsage()}. It lives on its own port
 * and thread so that it never touches the server under test.
 */
public final class Admin {
  private Admin() {}

  public static void start(String host, int port) throws IOException {
    start(host, port, null);
  }

  /** As {@link #start(String, int)}, and with a {@code scrape} (a Prometheus registry's) also {@code GET /metrics}. */
  public static void start(String host, int port, java.util.function.Supplier<String> scrape) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 8);
    if (scrape != null) {
      http.createContext("/metrics", ex -> {
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(body);
        }
      });
    }
    http.createContext("/mem", ex -> {
      // Twice: the first full GC may leave objects that only the second one frees (finalizable,
      // soft, cleaner-held), and a noisy baseline would swamp a few KB per connection.
      System.gc();
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      byte[] body = ("{\"heapUsed\":" + used + "}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    });
    http.start();
  }
}
