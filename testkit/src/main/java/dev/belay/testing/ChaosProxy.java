package dev.belay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 that breaks connections the way networks do: at random intervals
 * between {@code minMillis} and {@code maxMillis} (drawn from a seeded generator, so that a failing
 * run can be replayed) it cuts every connection open at that moment, resetting both sides at once.
 * Short-lived connections (a long-poll per request) are hit while in flight as surely as a
 * WebSocket.
 * {@link #blackhole()} instead stops forwarding on every open connection while keeping it open, as
 * a proxy that buffers or a dead route does. {@link #retarget(int)} sends new connections to another
 * port (a load balancer failing over to another node); {@link #cutAll()} cuts what is open now.
 * {@link #blackholeOpen()} silences only the connections open at that moment, entirely (not
 * even a close gets through), while new ones keep forwarding: a transport that went silent after
 * it opened, with a working route for the next one.
 *
 * <pre>{@code
 * try (ChaosProxy proxy = ChaosProxy.start(serverPort, 42L, 100, 800)) {
 *   connectClientTo("http://127.0.0.1:" + proxy.port());
 *   ...
 *   assertTrue(proxy.cuts() > 25);
 * }
 * }</pre>
 *
 * <p>Threading: an accept thread, two pump threads per connection, one timer thread; every
 * method is thread-safe.
 */
public final class ChaosProxy implements AutoCloseable {
  private final ServerSocket listener;
  // Where new connections go (open ones stay where they are); any thread.
  private volatile int targetPort;
  private final int minMillis;
  private final int maxMillis;
  // Seeded; used only on the timer thread.
  private final Random random;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chaos-timer"));
  // Open connection pairs; any thread.
  private final Set<Pair> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  // Whether cutting is on; any thread.
  private volatile boolean cutting;
  // Whether forwarding is stopped; any thread.
  private volatile boolean blackholed;

  private ChaosProxy(ServerSocket listener, int targetPort, long seed, int minMillis, int maxMillis) {
    this.listener = listener;
    this.targetPort = targetPort;
    this.random = new Random(seed);
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
    this.cutting = maxMillis > 0;
  }

  /** A proxy to 127.0.0.1:{@code targetPort} that cuts what is open every {@code min..max} ms. */
  public static ChaosProxy start(int targetPort, long seed, int minMillis, int maxMillis) throws IOException {
    if (minMillis < 0 || maxMillis < minMillis) throw new IllegalArgumentException("need 0 <= min <= max");
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    ChaosProxy proxy = new ChaosProxy(listener, targetPort, seed, minMillis, maxMillis);
    daemon(proxy::acceptLoop, "chaos-accept").start();
    if (maxMillis > 0) proxy.scheduleCut();
    return proxy;
  }

  /** A proxy that forwards faithfully until told otherwise. */
  public static ChaosProxy faithful(int targetPort) throws IOException {
    return start(targetPort, 0, 0, 0);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections were cut so far. */
  public int cuts() {
    return cuts.get();
  }

  /** How many connections were accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Stops cutting: connections from now on live until a side closes them. */
  public void stopCutting() {
    cutting = false;
  }

  /** Stops forwarding bytes on every connection, open or new, without closing any. */
  public void blackhole() {
    blackholed = true;
  }

  /**
   * Sends connections accepted from now on to 127.0.0.1:{@code port}; open ones keep their target.
   *
   * <pre>{@code
   * proxy.retarget(otherNode.port());   // the next reconnection lands on the other node
   * }</pre>
   */
  public void retarget(int port) {
    if (port < 1 || port > 65_535) throw new IllegalArgumentException("not a port: " + port);
    targetPort = port;
  }

  /** Cuts every connection open now, resetting both sides, as a timed cut does; returns how many. */
  public int cutAll() {
    int n = 0;
    for (Pair pair : open) if (pair.close(true)) n++;
    cuts.addAndGet(n);
    return n;
  }

  /**
   * Silences every connection open now, as a dead route does: from now on none of its bytes, and
   * neither its end (FIN or reset) from one side, reach the other side; each side's socket is
   * released once both sides have closed theirs (or at {@link #close()}). Connections opened
   * later forward as usual, and {@link #restore()} does not bring a silenced one back.
   *
   * @return how many connections were silenced
   */
  public int blackholeOpen() {
    int silenced = 0;
    for (Pair pair : open) {
      if (!pair.silent) {
        pair.silent = true;
        silenced++;
      }
    }
    return silenced;
  }

  /** Forwards again (bytes read while blackholed are gone). */
  public void restore() {
    blackholed = false;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      Pair pair = new Pair(client, upstream);
      open.add(pair);
      daemon(() -> pump(pair, client, upstream), "chaos-up").start();
      daemon(() -> pump(pair, upstream, client), "chaos-down").start();
    }
  }

  /** Timer thread. Cuts what is open after the next random interval, then schedules the next cut. */
  private void scheduleCut() {
    long delay = minMillis + (maxMillis == minMillis ? 0 : random.nextInt(maxMillis - minMillis + 1));
    timer.schedule(() -> {
      if (!cutting) return;
      for (Pair pair : open) if (pair.close(true)) cuts.incrementAndGet();
      scheduleCut();
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void pump(Pair pair, Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      // The streams are not closed here: closing one closes its socket, and a half-close must not.
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (blackholed || pair.silent) continue;
        out.write(buffer, 0, n);
        out.flush();
      }
      // A clean end of stream on one side: pass the half-close on, as a TCP proxy does (unless
      // the pair is silenced: then the other side hears nothing).
      if (!pair.silent) to.shutdownOutput();
      if (pair.halfClosed.incrementAndGet() == 2) pair.close(false);
    } catch (IOException e) {
      // On a silenced pair a reset goes no further either: the pair ends when both sides have.
      if (!pair.silent || pair.halfClosed.incrementAndGet() == 2) pair.close(false);
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    timer.shutdownNow();
    for (Pair pair : open) pair.close(false);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** One proxied connection: the client's socket and ours to the target. */
  private final class Pair {
    private final Socket client;
    private final Socket upstream;
    // Set once by the first close; any thread.
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    // How many directions ended (cleanly, or in any way once silenced); both: the pair is done.
    // Any thread.
    final AtomicInteger halfClosed = new AtomicInteger();
    // Whether blackholeOpen() silenced this pair; set once, read by both pumps. Any thread.
    volatile boolean silent;

    Pair(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    /** Closes both sides (with {@code reset}, abruptly: RST, no FIN); true the first time. */
    boolean close(boolean reset) {
      if (!closed.compareAndSet(false, true)) return false;
      open.remove(this);
      if (reset) {
        try {
          client.setSoLinger(true, 0);
          upstream.setSoLinger(true, 0);
        } catch (SocketException ignored) {
          // closed meanwhile
        }
      }
      closeQuietly(client);
      closeQuietly(upstream);
      return true;
    }
  }
}
