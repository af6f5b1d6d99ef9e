package dev.belay.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.ConnectionStateRecovery;
import dev.belay.GsonJsonMapper;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The transfer protocol between two {@link SocketStreams} joined back to back by in-memory links
 * (what one side sends, the test hands to the other): credit is never exceeded, limits refuse with
 * a reason, a peer that breaks the protocol is aborted, bad input changes nothing.
 */
class SocketStreamsTest {
  private static final GsonJsonMapper MAPPER = new GsonJsonMapper();

  /** A link whose sent events wait in {@link #sent} until the test delivers them. */
  static final class Link implements StreamLink {
    final ArrayDeque<Object[]> sent = new ArrayDeque<>(); // test thread only
    boolean connected = true;
    final List<Runnable> timers = new ArrayList<>(); // scheduled tasks, run by the test

    @Override public boolean send(Object... eventAndArgs) {
      if (!connected) return false;
      sent.add(eventAndArgs);
      return true;
    }
    @Override public Object toPlain(Object value) { return MAPPER.toPlain(value); }
    @Override public <T> T fromPlain(Object plain, Class<T> type) { return MAPPER.fromPlain(plain, type); }
    @Override public Runnable schedule(Runnable task, Duration delay) {
      timers.add(task);
      return () -> timers.remove(task);
    }
    @Override public void execute(Runnable task) { task.run(); }
    @Override public int maxPayload() { return 1_000_000; }
  }

  private static StreamOptions options(int perSession) {
    return StreamOptions.builder().chunkBytes(1024).windowBytes(4096).maxPerSession(perSession).build();
  }

  /** Delivers everything {@code from} sent to {@code to} until both are quiet; returns the chunk bytes moved. */
  private static long pump(Link fromLink, SocketStreams to, Link toLink, SocketStreams from) {
    long chunkBytes = 0;
    while (!fromLink.sent.isEmpty() || !toLink.sent.isEmpty()) {
      while (!fromLink.sent.isEmpty()) {
        Object[] e = fromLink.sent.poll();
        if (e[0].equals("belay:chunk")) chunkBytes += ((byte[]) e[3]).length;
        to.handle((String) e[0], plain(e));
      }
      while (!toLink.sent.isEmpty()) {
        Object[] e = toLink.sent.poll();
        from.handle((String) e[0], plain(e));
      }
    }
    return chunkBytes;
  }

  /** The arguments as a decoder would give them: numbers as Long, maps as they are. */
  private static List<Object> plain(Object[] e) {
    List<Object> args = new ArrayList<>();
    for (Object a : Arrays.copyOfRange(e, 1, e.length)) args.add(a instanceof Integer i ? (Object) i.longValue() : a);
    return args;
  }

  @Test
  void theSenderNeverHasMoreInFlightThanTheWindowAndTheReaderDrivesIt() throws Exception {
    StreamHub hub = new StreamHub(options(4));
    Link aLink = new Link();
    Link bLink = new Link();
    SocketStreams a = new SocketStreams(hub, aLink);
    SocketStreams b = new SocketStreams(hub, bLink);
    CompletableFuture<InboundStream> received = new CompletableFuture<>();
    b.onStream("file", (meta, in) -> received.complete(in));
    OutboundStream out = a.open("file", Map.of("n", 1));
    pump(aLink, b, bLink, a);
    InboundStream in = received.get();
    assertEquals(1, ((Number) ((Map<?, ?>) in.meta()).get("n")).intValue());
    CompletionStage<Void> write = out.write(new byte[40_000]);
    long moved = pump(aLink, b, bLink, a);
    assertEquals(4096, moved, "one window and no more while nobody reads");
    assertEquals(4096, in.buffered());
    assertFalse(write.toCompletableFuture().isDone(), "the write waits for credit");
    InputStream data = in.inputStream();
    long read = 0;
    byte[] buf = new byte[1500];
    while (read < 40_000) {
      int n = data.read(buf, 0, (int) Math.min(buf.length, in.buffered()));
      read += n;
      pump(aLink, b, bLink, a);
      assertTrue(in.buffered() <= 4096, "buffered " + in.buffered());
      if (in.buffered() == 0 && read < 40_000) pump(aLink, b, bLink, a);
    }
    assertTrue(write.toCompletableFuture().isDone());
    CompletableFuture<Long> end = out.end();
    pump(aLink, b, bLink, a);
    assertEquals(-1, data.read());
    assertEquals(40_000L, end.get(1, TimeUnit.SECONDS));
    assertEquals(40_000L, in.completion().get(1, TimeUnit.SECONDS));
    assertEquals(40_000L, out.acknowledged());
    assertEquals(0, hub.openTransfers());
    assertEquals(0, hub.bytesInFlight());
  }

  @Test
  void limitsRefuseWithAReason() {
    StreamHub hub = new StreamHub(StreamOptions.builder().chunkBytes(1024).windowBytes(4096).maxPerSession(1)
        .maxBytesInFlight(8192).build());
    SocketStreams a = new SocketStreams(hub, new Link());
    assertFalse(a.open("x", null).completion().isDone());
    String perSession = a.open("y", null).completion().handle((v, e) -> e.getMessage()).join();
    assertTrue(perSession.contains("too many transfers on this connection (limit 1)"), perSession);
    SocketStreams other = new SocketStreams(hub, new Link());
    assertFalse(other.open("z", null).completion().isDone());
    SocketStreams third = new SocketStreams(hub, new Link());
    String serverWide = third.open("w", null).completion().handle((v, e) -> e.getMessage()).join();
    assertTrue(serverWide.contains("server busy"), serverWide);
  }

  @Test
  void aTransferWithoutReceiverIsRefused() {
    Link link = new Link();
    SocketStreams b = new SocketStreams(new StreamHub(options(4)), link);
    b.handle("belay:stream", List.of(Map.of("id", "c1", "name", "nobody")));
    Object[] answer = link.sent.poll();
    assertEquals("belay:abort", answer[0]);
    assertEquals("no receiver for transfers named \"nobody\"", ((Map<?, ?>) answer[1]).get("reason"));
  }

  @Test
  void aPeerThatExceedsItsCreditIsAbortedAndNeverComplete() {
    Link link = new Link();
    StreamHub hub = new StreamHub(options(4));
    SocketStreams b = new SocketStreams(hub, link);
    CompletableFuture<InboundStream> received = new CompletableFuture<>();
    b.onStream("f", (meta, in) -> received.complete(in));
    b.handle("belay:stream", List.of(Map.of("id", "c1", "name", "f")));
    for (int i = 0; i < 5; i++) b.handle("belay:chunk", List.of("c1", i * 1024L, new byte[1024]));
    InboundStream in = received.join();
    assertTrue(in.completion().isCompletedExceptionally());
    assertTrue(link.sent.stream().anyMatch(e -> e[0].equals("belay:abort")
        && "the sender exceeded its credit".equals(((Map<?, ?>) e[1]).get("reason"))));
    b.handle("belay:end", List.of(Map.of("id", "c1", "size", 4096L)));
    assertTrue(in.completion().isCompletedExceptionally());
    assertEquals(0, hub.openTransfers());
  }

  @Test
  void badInputChangesNothing() {
    Link link = new Link();
    SocketStreams b = new SocketStreams(new StreamHub(options(4)), link);
    b.onStream("f", (meta, in) -> {});
    List<List<Object>> junk = List.of(List.of(), List.of("x"), List.of(Map.of()), List.of(Map.of("id", 5, "name", 7)),
        List.of("c9", "not a number", new byte[3]), List.of(Map.of("id", "c9", "size", "big")),
        Arrays.asList((Object) null), List.of("c9", 1L, 2L, 1L));
    for (String event : List.of("belay:stream", "belay:chunk", "belay:end", "belay:credit", "belay:done",
        "belay:abort", "belay:resume", "belay:unknown")) {
      for (List<Object> args : junk) assertTrue(b.handle(event, args));
    }
    assertFalse(b.handle("chat", List.of()));
    assertEquals(0, b.open());
  }

  @Test
  void thePublisherDeliversOnDemandAndCompletesOnlyAfterAVerifiedEnd() throws Exception {
    StreamHub hub = new StreamHub(options(4));
    Link aLink = new Link();
    Link bLink = new Link();
    SocketStreams a = new SocketStreams(hub, aLink);
    SocketStreams b = new SocketStreams(hub, bLink);
    List<Object> seen = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Flow.Subscription> sub = new java.util.concurrent.atomic.AtomicReference<>();
    b.onStream("f", (meta, in) -> in.publisher().subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
      public void onSubscribe(java.util.concurrent.Flow.Subscription s) { sub.set(s); }
      public void onNext(java.nio.ByteBuffer item) { seen.add(item.remaining()); }
      public void onError(Throwable t) { seen.add("error " + t.getMessage()); }
      public void onComplete() { seen.add("complete"); }
    }));
    OutboundStream out = a.open("f", null);
    pump(aLink, b, bLink, a);
    out.write(new byte[10_000]);
    CompletableFuture<Long> end = out.end();
    pump(aLink, b, bLink, a);
    assertTrue(seen.isEmpty(), "nothing before demand: " + seen);
    sub.get().request(2);
    pump(aLink, b, bLink, a);
    assertEquals(List.of(1024, 1024), seen);
    for (int i = 0; i < 20 && !seen.contains("complete"); i++) {
      sub.get().request(1);
      pump(aLink, b, bLink, a);
    }
    // 9 full chunks and the rest, then the end (verified): complete without asking for more
    assertEquals(List.of(1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 784, "complete"), seen);
    assertEquals(10_000L, end.get(1, TimeUnit.SECONDS));
  }

  @Test
  void aKeptTransferFailsWhenTheClientDoesNotComeBackAndResumesWhenItDoes() {
    StreamHub hub = new StreamHub(options(4));
    Link link = new Link();
    SocketStreams a = new SocketStreams(hub, link);
    OutboundStream lost = a.open("f", null);
    a.suspend("pid-1", ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofSeconds(5)), "transport close");
    assertFalse(lost.completion().isDone(), "kept while the client may come back");
    link.timers.get(0).run();
    String why = lost.completion().handle((v, e) -> e.getMessage()).join();
    assertEquals("the client did not come back within 5000 ms", why);
    assertEquals(null, SocketStreams.takeOver(hub, "pid-1", link));

    SocketStreams b = new SocketStreams(hub, link);
    OutboundStream back = b.open("g", null);
    b.suspend("pid-2", ConnectionStateRecovery.defaults(), "transport close");
    Link newLink = new Link();
    SocketStreams taken = SocketStreams.takeOver(hub, "pid-2", newLink);
    assertTrue(taken == b);
    assertTrue(link.timers.size() == 1, "the expiry of pid-2 was cancelled");
    taken.resume();
    Object[] reopened = newLink.sent.poll();
    assertEquals("belay:stream", reopened[0], "never accepted: opened again on the new connection");
    assertFalse(back.completion().isDone());

    SocketStreams c = new SocketStreams(hub, new Link());
    OutboundStream noRecovery = c.open("h", null);
    c.suspend(null, null, "transport close");
    String reason = noRecovery.completion().handle((v, e) -> e.getMessage()).join();
    assertTrue(reason.contains("connection state recovery is off"), reason);
  }
}
