package dev.belay.testing;

import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import dev.belay.engine.parser.SseCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One raw SSE stream read line by line with the JDK HttpClient, its events decoded into packets.
 *
 * <pre>{@code
 * try (SseStream s = SseStream.open(base + "?EIO=4&transport=sse")) {
 *   EnginePacket open = s.next();
 * }
 * }</pre>
 */
public final class SseStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final BlockingQueue<EnginePacket> packets = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final Stream<String> lines;

  private SseStream(Stream<String> lines) {
    this.lines = lines;
    Thread reader = new Thread(() -> {
      SseCodec.Decoder decoder = new SseCodec.Decoder();
      try {
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          EnginePacket p = decoder.line(it.next());
          if (p != null) packets.add(p);
        }
      } catch (RuntimeException e) {
        // closed by us, or cut: both end the stream
      }
      ended.complete(null);
    }, "sse-stream-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens a stream; fails unless the answer is 200. */
  public static SseStream open(String url) {
    try {
      HttpResponse<Stream<String>> res = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofLines());
      if (res.statusCode() != 200) {
        throw new AssertionError("sse answered " + res.statusCode() + ": " + String.join("\n", res.body().toList()));
      }
      return new SseStream(res.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The next packet (10 s at most). */
  public EnginePacket next() {
    try {
      EnginePacket p = packets.poll(10, TimeUnit.SECONDS);
      if (p == null) throw new AssertionError("no event within 10 s");
      return p;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The next packet that is not a ping. */
  public EnginePacket nextSkippingPings() {
    EnginePacket p = next();
    while (p.type() == EnginePacketType.PING) p = next();
    return p;
  }

  /** Completes when the server ends the stream (or it is closed here). */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  /** Waits (10 s at most) for the end of the stream. */
  public void awaitEnd() {
    try {
      ended.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stream did not end within 10 s", e);
    }
  }

  @Override
  public void close() {
    lines.close();
  }
}
