package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket's maps, listener registries and handshake are created on first use (issue 7's idle
 * heap): first uses racing on two threads must see one map, keep every listener, and build one
 * handshake, as the eagerly created ones did.
 */
class SocketLazyStateTest {
  private static final int ROUNDS = 200;

  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(
      ServerOptions.builder().connectTimeout(Duration.ofSeconds(1)).ackTimeout(Duration.ofSeconds(5))
          .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build()).build());
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private Socket connect() {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    AtomicReference<Socket> joined = new AtomicReference<>();
    ConnectionListener grab = joined::set;
    server.of("/").onConnection(grab);
    conn.receive("0");
    return joined.get();
  }

  /** Runs {@code first} on two threads released together; returns both results. */
  private <T> List<T> race(Socket socket, Function<Socket, T> first) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<T>> results = new CopyOnWriteArrayList<>();
    for (int t = 0; t < 2; t++) {
      results.add(threads.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        return first.apply(socket);
      }));
    }
    return List.of(results.get(0).get(10, TimeUnit.SECONDS), results.get(1).get(10, TimeUnit.SECONDS));
  }

  @Test
  void dataRacedFromTwoThreadsIsOneMapHoldingBothWrites() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Socket socket = connect();
      List<Map<String, Object>> maps = race(socket, s -> {
        Map<String, Object> data = s.data();
        data.put(Thread.currentThread().getName(), 1);
        return data;
      });
      assertSame(maps.get(0), maps.get(1));
      assertEquals(2, socket.data().size());
    }
  }

  @Test
  void handshakeRacedFromTwoThreadsIsBuiltOnce() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Socket socket = connect();
      List<Handshake> handshakes = race(socket, Socket::handshake);
      assertSame(handshakes.get(0), handshakes.get(1));
      assertSame(handshakes.get(0), socket.handshake());
    }
  }

  @Test
  void listenersAddedFromTwoThreadsAreAllKept() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Socket socket = connect();
      List<String> heard = new CopyOnWriteArrayList<>();
      race(socket, s -> {
        String me = Thread.currentThread().getName();
        s.on("e", (args, ack) -> heard.add(me));
        s.on("e-" + me, (args, ack) -> heard.add("own " + me));
        s.onAny((event, args) -> heard.add("any " + me));
        return s;
      });
      socket.onPacket(dev.belay.parser.SocketPacket.event("/", List.of("e"), null));
      assertEquals(4, heard.size(), heard.toString());
      assertTrue(heard.stream().filter(h -> h.startsWith("any ")).count() == 2, heard.toString());
    }
  }

  @Test
  void emitWithAckRacedFromTwoThreadsWaitsForBothAcks() throws Exception {
    for (int i = 0; i < ROUNDS; i++) {
      Socket socket = connect();
      List<CompletableFuture<List<Object>>> acks = race(socket, s -> s.emitWithAck("q"));
      socket.disconnect(false); // fails whatever is pending: both must be there to fail
      for (CompletableFuture<List<Object>> ack : acks) assertTrue(ack.isCompletedExceptionally());
    }
  }
}
