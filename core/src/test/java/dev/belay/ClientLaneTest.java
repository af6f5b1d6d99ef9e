package dev.belay;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One lane per connection, the engine session's: a packet, a middleware finishing on another
 * thread and a timer are handled one at a time and in order; work that must take effect at once
 * from a listener (a disconnect, a middleware that proceeds before returning) does.
 */
class ClientLaneTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(
      ServerOptions.builder().connectTimeout(Duration.ofSeconds(10)).ackTimeout(Duration.ofSeconds(5))
          .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());

  private FakeEngineSocket connectClient() {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    return conn;
  }

  @Test
  void aPacketRightBehindTheConnectFindsTheSocketWhenMiddlewareProceedsAtOnce() {
    FakeEngineSocket conn = connectClient();
    server.use((socket, next) -> next.proceed());
    List<Object> heard = new CopyOnWriteArrayList<>();
    server.on("connection", socket -> socket.on("hi", (args, ack) -> heard.add(args.get(0))));
    // Both frames queue behind one running task, as when they arrive in one polling payload.
    conn.execute(() -> {
      conn.receive("0");
      conn.receive("2[\"hi\",1]");
    });
    assertEquals(List.of(1.0), heard.stream().map(n -> ((Number) n).doubleValue()).toList());
  }

  @Test
  void aMiddlewareFinishingOnAnotherThreadRejoinsTheLaneInOrderWithPacketsAndTimers() throws Exception {
    FakeEngineSocket conn = connectClient();
    CompletableFuture<Void> release = new CompletableFuture<>();
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> slowHeard = new CompletableFuture<>();
    AtomicReference<Socket> joined = new AtomicReference<>();
    server.on("connection", socket -> {
      joined.set(socket);
      order.add("connected");
      socket.use((event, next) -> {
        if ("slow".equals(event.get(0))) release.thenRunAsync(next::proceed); // finishes on a pool thread
        else next.proceed();
      });
      socket.onAny((event, args) -> {
        order.add(event);
        if ("slow".equals(event)) slowHeard.complete(null);
      });
    });
    conn.receive("0");
    Socket socket = joined.get();
    socket.timeout(Duration.ofSeconds(1)).emitWithAck("question")
        .whenComplete((reply, error) -> order.add(error instanceof AckTimeoutException ? "ack timeout" : "ack?"));
    conn.receive("2[\"slow\"]");            // held by the middleware
    conn.receive("2[\"fast\"]");            // handled at once
    clock.advance(Duration.ofSeconds(1));  // the ack timer fires
    assertEquals(List.of("connected", "fast", "ack timeout"), order);
    release.complete(null);
    slowHeard.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("connected", "fast", "ack timeout", "slow"), order);
  }

  @Test
  void aDisconnectFromAListenerTakesEffectBeforeItReturns() {
    FakeEngineSocket conn = connectClient();
    AtomicBoolean connectedAfterDisconnect = new AtomicBoolean(true);
    server.on("connection", socket -> socket.on("bye", (args, ack) -> {
      socket.disconnect(false);
      connectedAfterDisconnect.set(socket.connected());
      socket.emit("too late");
    }));
    conn.receive("0");
    conn.clearSent();
    conn.receive("2[\"bye\"]");
    assertFalse(connectedAfterDisconnect.get());
    assertEquals(List.of("1"), conn.texts(), "DISCONNECT, and nothing emitted after it");
  }

  @Test
  void aDisconnectFromAnotherThreadWaitsForTheRunningListener() throws Exception {
    FakeEngineSocket conn = connectClient();
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Socket> joined = new AtomicReference<>();
    server.on("connection", socket -> {
      joined.set(socket);
      socket.on("work", (args, ack) -> {
        inListener.countDown();
        await(release);
        socket.emit("done");
      });
    });
    conn.receive("0");
    conn.clearSent();
    Thread client = new Thread(() -> conn.receive("2[\"work\"]"));
    client.start();
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    joined.get().disconnect(false);
    assertTrue(joined.get().connected(), "queued behind the running listener");
    release.countDown();
    client.join(10_000);
    assertFalse(joined.get().connected());
    assertEquals(List.of("2[\"done\"]", "1"), conn.texts());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) throw new AssertionError("not released");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
