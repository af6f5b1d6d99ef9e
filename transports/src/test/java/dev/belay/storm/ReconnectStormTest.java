package dev.belay.storm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.testing.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A reconnect storm against a server with default options (heartbeats 25 s / 20 s): 3,000
 * WebSocket and 1,000 long-polling clients connect at once and join namespace {@code /}.
 *
 * <ul>
 *   <li>All 4,000 join: the server's live session count and its connection count both reach them.
 *   <li>A probe client (its own WebSocket) echoes through the server back to back, from the moment
 *       all have joined until every storm client has answered its first ping: its round trips are
 *       the server's latency with 4,000 live sessions during a full heartbeat round (4,000 pings
 *       and pongs). Their p99 stays under 100 ms. The storm's clients sit on one selector thread
 *       and are idle then except for their pongs, so the probe measures the server.
 *   <li>After they all drop their connections, the live session count returns to 0 and the open
 *       file descriptors of this process (server and clients) to near the count before the storm.
 * </ul>
 */
class ReconnectStormTest {
  private static final int WEBSOCKETS = 3_000;
  private static final int POLLERS = 1_000;
  private static final int CLIENTS = WEBSOCKETS + POLLERS;
  /** Sockets this process holds at the peak: both ends of every client, the probe, a margin. */
  private static final long FILES_NEEDED = 2L * CLIENTS + 1_000;

  @Test
  void fourThousandClientsJoinTheProbeStaysFastAndEverythingIsReleased() throws IOException {
    long fileLimit = openFileLimit();
    if (fileLimit < FILES_NEEDED) {
      fail("this test holds ~" + FILES_NEEDED + " open files but the limit is " + fileLimit
          + ": raise it (ulimit -n 20000) before running Maven; scripts/test.sh does");
    }
    Server server = new Server(ServerOptions.defaults());
    AtomicInteger connected = new AtomicInteger();
    server.on("connection", socket -> {
      connected.incrementAndGet();
      socket.onDisconnect(reason -> connected.decrementAndGet());
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
    Listening http = server.listen("127.0.0.1", 0);
    try {
      long filesBefore = openFiles();
      RawWebSocket probe = RawWebSocket.connect("ws://127.0.0.1:" + http.port() + "/socket.io/?EIO=4&transport=websocket");
      assertTrue(probe.nextText().startsWith("0{"));
      probe.sendText("40");
      assertTrue(((String) probe.nextSkippingPings()).startsWith("40{\"sid\":"));

      try (StormClients storm = new StormClients(new InetSocketAddress("127.0.0.1", http.port()))) {
        long stormStart = System.nanoTime();
        storm.open(WEBSOCKETS, POLLERS);
        waitUntil(() -> storm.joined() == CLIENTS || storm.failed() > 0, Duration.ofSeconds(40),
            () -> storm.joined() + " of " + CLIENTS + " clients joined");
        System.out.printf("storm: %d clients joined in %d ms%n", CLIENTS, (System.nanoTime() - stormStart) / 1_000_000);
        assertEquals(0, storm.failed(), () -> "clients failed, first: " + storm.firstFailure());
        assertEquals(CLIENTS + 1, liveSessions(server), "live sessions, probe included");
        assertEquals(CLIENTS + 1, connected.get(), "sockets connected to /, probe included");

        // Echo until every storm client has answered a ping: the first heartbeat round comes 25 s
        // after each client's handshake, so the probe spans it.
        List<Long> roundTrips = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        for (int id = 0; storm.pongs() < CLIENTS; id++) {
          if (System.nanoTime() > deadline) fail("only " + storm.pongs() + " of " + CLIENTS + " clients got a ping");
          long start = System.nanoTime();
          probe.sendText("42" + id + "[\"echo\"," + id + "]");
          assertEquals("43" + id + "[" + id + "]", probe.nextSkippingPings());
          roundTrips.add(System.nanoTime() - start);
        }
        assertEquals(0, storm.failed(), () -> "clients failed, first: " + storm.firstFailure());
        Collections.sort(roundTrips);
        long p99 = roundTrips.get((int) Math.ceil(roundTrips.size() * 0.99) - 1);
        long max = roundTrips.get(roundTrips.size() - 1);
        System.out.printf("probe: %d echoes, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", roundTrips.size(),
            roundTrips.get(roundTrips.size() / 2) / 1e6, p99 / 1e6, max / 1e6);
        assertTrue(roundTrips.size() >= 100, "the probe echoed " + roundTrips.size() + " times");
        assertTrue(p99 < TimeUnit.MILLISECONDS.toNanos(100), "probe p99 " + p99 / 1e6 + " ms");

        storm.leaveAll();
        waitUntil(() -> liveSessions(server) == 1, Duration.ofSeconds(30),
            () -> liveSessions(server) + " live sessions, expected the probe's only");
      }
      probe.close();
      waitUntil(() -> liveSessions(server) == 0 && connected.get() == 0, Duration.ofSeconds(10),
          () -> liveSessions(server) + " live sessions, " + connected.get() + " sockets after all left");
      waitUntil(() -> openFiles() <= filesBefore + 50, Duration.ofSeconds(30),
          () -> openFiles() + " open files, " + filesBefore + " before the storm");
    } finally {
      server.close();
    }
  }

  private static int liveSessions(Server server) {
    return server.engine().stats().snapshot().sessionsByTransport().values().stream().mapToInt(Integer::intValue).sum();
  }

  private static long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc/self/fd", e);
    }
  }

  /** The soft limit of open files from /proc/self/limits. */
  private static long openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new AssertionError("no 'Max open files' in /proc/self/limits");
  }

  /** Polls {@code condition} every 20 ms until it holds; fails with {@code state} at the deadline. */
  private static void waitUntil(BooleanSupplier condition, Duration timeout, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("gave up after " + timeout.toSeconds() + " s: " + state.get());
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
