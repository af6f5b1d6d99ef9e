package dev.belay.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * The load scenarios of the benchmark. The main thread only orchestrates (phases, clocks, CPU samples);
 * all client work happens on the loops. Latencies are stamped into the payload by the sender
 * ({@code "t":System.nanoTime()}) and read back by the receiver in the same process, so they
 * need no clock agreement and no per-message map.
 */
final class Scenarios implements AutoCloseable {
  private static final String PAD = "hello, belay";
  private static final int WARMUP = 0;
  private static final int MEASURE = 1;
  private static final int DRAIN = 2;

  private final Load.Options o;
  private final NioLoop[] loops;
  private final InetSocketAddress address;
  private volatile int phase;

  Scenarios(Load.Options o) {
    this.o = o;
    this.address = new InetSocketAddress(o.host, o.port);
    loops = new NioLoop[o.loops];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new NioLoop("load-" + i);
    }
  }

  @Override
  public void close() {
    for (NioLoop l : loops) {
      l.stop();
    }
  }

  // ---------------------------------------------------------------- echo

  void echo(String transport, boolean ack, Map<String, Object> row) throws Exception {
    LongAdder done = new LongAdder();
    phase = WARMUP;
    Client.Listener l = new Client.Listener() {
      @Override
      public void onEvent(Client c, String p) {
        if (!ack && p.startsWith("42[\"echo\"")) {
          reply(c, p);
        }
      }

      @Override
      public void onAck(Client c, String p) {
        if (ack) {
          reply(c, p);
        }
      }

      private void reply(Client c, String p) {
        long t = Client.stamp(p);
        c.inflight--;
        int ph = phase;
        if (ph == MEASURE && t != -1) {
          c.loop.recorder.record(System.nanoTime() - t);
          done.increment();
        }
        if (ph != DRAIN) {
          sendEcho(c, ack);
        }
      }
    };
    Connected conn = connect(o.clients, transport, l, o.concurrency);
    row.put("clients", o.clients);
    row.put("inflight", o.inflight);
    requireAll(conn, (int) Math.ceil(o.clients * o.minConnected));
    List<Client> live = conn.clients.stream().filter(c -> c.connected).toList();
    row.put("connected", live.size());
    for (Client c : live) {
      c.loop.execute(() -> {
        for (int i = 0; i < o.inflight; i++) {
          sendEcho(c, ack);
        }
      });
    }
    sleep(o.warmupS);
    onLoops(loop -> loop.recorder.clear());
    phase = MEASURE;
    double[] perS = new double[o.windows];
    double[] cpuUs = new double[o.windows];
    double secs = 0;
    double serverS = 0;
    double genS = 0;
    long n = 0;
    for (int w = 0; w < o.windows; w++) {
      long before = done.sum();
      Cpu cpu = Cpu.start(o.serverPid);
      long t0 = System.nanoTime();
      sleep(o.durationS);
      double s = (System.nanoTime() - t0) / 1e9;
      cpu.stop();
      long k = done.sum() - before;
      perS[w] = k / s;
      cpuUs[w] = k > 0 ? cpu.server * 1e6 / k : Double.NaN;
      secs += s;
      serverS += cpu.server;
      genS += cpu.gen;
      n += k;
    }
    phase = DRAIN;
    Recorder all = collect();
    awaitDrained(live);
    disconnect(conn.clients);
    row.put("durationS", secs);
    row.put("windows", o.windows);
    row.put("roundTrips", n);
    row.put("perS", Recorder.median(perS));
    latencies(row, all);
    row.put("serverCpuS", serverS);
    row.put("genCpuS", genS);
    row.put("cpuUsPerRoundTrip", Recorder.median(cpuUs));
    if (o.windows > 1) {
      row.put("perSWindows", joined(perS, "%.0f"));
      row.put("cpuUsWindows", joined(cpuUs, "%.2f"));
    }
    row.put("failed", conn.failed.sum());
  }

  private static String joined(double[] values, String format) {
    StringBuilder sb = new StringBuilder();
    for (double d : values) {
      sb.append(sb.length() > 0 ? " " : "").append(String.format(java.util.Locale.ROOT, format, d));
    }
    return sb.toString();
  }

  private void sendEcho(Client c, boolean ack) {
    c.inflight++;
    String body = "[\"echo\",{\"t\":" + System.nanoTime() + ",\"p\":\"" + PAD + "\"}]";
    c.send(ack ? "42" + (c.nextAckId++) + body : "42" + body);
  }

  private void awaitDrained(List<Client> clients) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      long[] left = {0};
      onLoops(loop -> { });
      for (Client c : clients) {
        left[0] += c.inflight; // read after the loops' barrier above: a best-effort view
      }
      if (left[0] <= 0) {
        return;
      }
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- fan-out

  void fanout(String transport, Map<String, Object> row) throws Exception {
    LongAdder delivered = new LongAdder();
    phase = WARMUP;
    Client.Listener l = new Client.Listener() {
      @Override
      public void onEvent(Client c, String p) {
        if (p.startsWith("42[\"tick\"") && phase == MEASURE) {
          long t = Client.stamp(p);
          c.loop.recorder.record(System.nanoTime() - t);
          delivered.increment();
        }
      }
    };
    int n = o.fanoutClients + 1;
    Connected conn = connect(n, transport, l, o.concurrency);
    requireAll(conn, (int) Math.ceil(n * o.minConnected));
    onLoops(loop -> loop.recorder.clear());
    long total = Math.max(1, Math.round(o.rate * o.durationS));
    long period = (long) (1e9 / o.rate);
    Client sender = conn.clients.get(0);
    AtomicInteger sent = new AtomicInteger();
    CountDownLatch allSent = new CountDownLatch(1);
    Cpu cpu = Cpu.start(o.serverPid);
    phase = MEASURE;
    long start = System.nanoTime();
    sender.loop.execute(new Runnable() {
      @Override
      public void run() {
        int k = sent.get();
        if (k >= total) {
          allSent.countDown();
          return;
        }
        sender.send("42[\"broadcast\",{\"t\":" + System.nanoTime() + ",\"s\":" + k + "}]");
        sent.incrementAndGet();
        // Fixed rate from the start time, so a late tick does not shift the ones after it.
        long due = start + (k + 1) * period;
        sender.loop.schedule(Math.max(0, due - System.nanoTime()), this);
      }
    });
    allSent.await((long) (o.durationS * 2 + 30), TimeUnit.SECONDS);
    long expected = (long) sent.get() * (conn.connected.sum() - conn.failed.sum());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (delivered.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    phase = DRAIN;
    cpu.stop();
    Recorder all = collect();
    disconnect(conn.clients);
    long got = delivered.sum();
    row.put("clients", o.fanoutClients);
    row.put("rate", o.rate);
    row.put("broadcasts", sent.get());
    row.put("delivered", got);
    row.put("missing", Math.max(0, expected - got));
    row.put("perS", got / secs);
    latencies(row, all);
    cpu.put(row, got, "cpuUsPerDelivery");
    row.put("failed", conn.failed.sum());
  }

  // ---------------------------------------------------------------- cross-node fan-out

  /**
   * {@code fanout-cluster}: {@code --fanout-clients} N receivers plus the sender, dealt in turn to
   * the nodes of {@code --ports} (the sender, client 0, on the first), all in {@code all}. After
   * {@code --warmup} seconds of unmeasured broadcasts, the sender emits {@code broadcast} at
   * {@code --rate} for {@code --duration}. Latency as in {@link #fanout}: from the sender's stamp
   * to each receipt. Each broadcast carries its sequence number, so completeness is checked per
   * client: one that missed a broadcast, or got one twice, is counted. Server CPU is the sum over
   * {@code --server-pid}'s pids, Redis's apart ({@code --redis-pid}).
   */
  void fanoutCluster(String transport, Map<String, Object> row) throws Exception {
    InetSocketAddress[] nodes = nodes();
    int k = nodes.length;
    // One recorder per loop and node, each written by its loop's thread only.
    Recorder[][] byNode = new Recorder[loops.length][k];
    for (Recorder[] perLoop : byNode) {
      for (int j = 0; j < k; j++) {
        perLoop[j] = new Recorder();
      }
    }
    LongAdder delivered = new LongAdder();
    LongAdder warmDelivered = new LongAdder();
    Client.Listener l = new Client.Listener() {
      @Override
      public void onEvent(Client c, String p) {
        if (!p.startsWith("42[\"tick\"")) {
          return;
        }
        long seq = Client.number(p, "\"s\":");
        if (seq < 0 || seq > Integer.MAX_VALUE) {
          warmDelivered.increment();
          return;
        }
        if (c.ticks == null) {
          c.ticks = new BitSet();
        }
        if (c.ticks.get((int) seq)) {
          c.duplicates++;
          return;
        }
        c.ticks.set((int) seq);
        byNode[loopIndex(c.loop)][c.group].record(System.nanoTime() - Client.stamp(p));
        delivered.increment();
      }
    };
    int n = o.fanoutClients + 1;
    Connected conn = connect(n, transport, l, o.concurrency, nodes);
    requireAll(conn, (int) Math.ceil(n * o.minConnected));
    Client sender = conn.clients.get(0);
    long warm = Math.round(o.rate * o.warmupS);
    if (warm > 0) {
      int warmSent = broadcastAtRate(sender, warm, false);
      awaitCount(warmDelivered, warmSent * (conn.connected.sum() - conn.failed.sum()));
    }
    settle();
    long total = Math.max(1, Math.round(o.rate * o.durationS));
    String[] pids = o.serverPid != null ? o.serverPid.split(",") : new String[0];
    Cpu[] perNode = new Cpu[pids.length];
    for (int j = 0; j < pids.length; j++) {
      perNode[j] = Cpu.start(pids[j].trim());
    }
    Cpu cpu = Cpu.start(o.serverPid);
    Cpu redis = Cpu.start(o.redisPid);
    long start = System.nanoTime();
    int sent = broadcastAtRate(sender, total, true);
    long expected = (long) sent * (conn.connected.sum() - conn.failed.sum());
    awaitCount(delivered, expected);
    double secs = (System.nanoTime() - start) / 1e9;
    cpu.stop();
    redis.stop();
    StringBuilder nodeCpu = new StringBuilder();
    for (Cpu c : perNode) {
      c.stop();
      nodeCpu.append(nodeCpu.length() > 0 ? " " : "").append(String.format(java.util.Locale.ROOT, "%.2f", c.server));
    }
    // Completeness per client, read on each client's own loop.
    long[] clients = new long[k];
    long[] got = new long[k];
    long[] incomplete = new long[k];
    long[] duplicates = {0};
    onLoops(loop -> {
      for (Client c : conn.clients) {
        if (c.loop != loop || !c.connected || c.closed) {
          continue;
        }
        int have = c.ticks == null ? 0 : c.ticks.cardinality();
        synchronized (clients) {
          clients[c.group]++;
          got[c.group] += have;
          incomplete[c.group] += have < sent ? 1 : 0;
          duplicates[0] += c.duplicates;
        }
      }
    });
    Recorder all = new Recorder();
    Recorder[] nodeRecorders = new Recorder[k];
    onLoops(loop -> {
      synchronized (all) {
        Recorder[] mine = byNode[loopIndex(loop)];
        for (int j = 0; j < k; j++) {
          all.addAll(mine[j]);
          nodeRecorders[j] = nodeRecorders[j] == null ? new Recorder() : nodeRecorders[j];
          nodeRecorders[j].addAll(mine[j]);
        }
      }
    });
    disconnect(conn.clients);
    long unique = delivered.sum();
    row.put("clients", o.fanoutClients);
    row.put("nodes", k);
    row.put("rate", o.rate);
    row.put("warmupBroadcasts", warm);
    row.put("broadcasts", sent);
    row.put("expected", expected);
    row.put("delivered", unique);
    row.put("missing", Math.max(0, expected - unique));
    row.put("incompleteClients", LongStream.of(incomplete).sum());
    row.put("duplicates", duplicates[0]);
    row.put("perS", unique / secs);
    latencies(row, all);
    cpu.put(row, unique, "cpuUsPerDelivery");
    if (pids.length > 1) {
      row.put("serverCpuSByNode", nodeCpu.toString());
    }
    row.put("redisCpuS", redis.server);
    for (int j = 0; j < k; j++) {
      long[] s = nodeRecorders[j].sorted();
      row.put("node" + (j + 1) + "Clients", clients[j]);
      row.put("node" + (j + 1) + "Delivered", got[j]);
      row.put("node" + (j + 1) + "Incomplete", incomplete[j]);
      row.put("node" + (j + 1) + "P50Ms", Recorder.percentileMs(s, 50));
      row.put("node" + (j + 1) + "P99Ms", Recorder.percentileMs(s, 99));
    }
    row.put("failed", conn.failed.sum());
  }

  /** The nodes of a cluster run: {@code --ports}, or {@code --port} alone. */
  private InetSocketAddress[] nodes() {
    if (o.ports == null || o.ports.isBlank()) {
      return new InetSocketAddress[] {address};
    }
    String[] ports = o.ports.split(",");
    InetSocketAddress[] res = new InetSocketAddress[ports.length];
    for (int i = 0; i < ports.length; i++) {
      res[i] = new InetSocketAddress(o.host, Integer.parseInt(ports[i].trim()));
    }
    return res;
  }

  private int loopIndex(NioLoop loop) {
    for (int i = 0; i < loops.length; i++) {
      if (loops[i] == loop) {
        return i;
      }
    }
    throw new IllegalStateException("not a loop of this generator");
  }

  /**
   * Has {@code sender} emit {@code total} broadcasts at {@code --rate}, on a fixed schedule from
   * the first (a late one does not shift the next); returns how many went out. Measured ones carry
   * {@code "s":<sequence>}, warm-up ones {@code "w":<sequence>}.
   */
  private int broadcastAtRate(Client sender, long total, boolean measured) throws InterruptedException {
    long period = (long) (1e9 / o.rate);
    String key = measured ? ",\"s\":" : ",\"w\":";
    AtomicInteger sent = new AtomicInteger();
    CountDownLatch allSent = new CountDownLatch(1);
    long start = System.nanoTime();
    sender.loop.execute(new Runnable() {
      @Override
      public void run() {
        int k = sent.get();
        if (k >= total || sender.closed) {
          allSent.countDown();
          return;
        }
        sender.send("42[\"broadcast\",{\"t\":" + System.nanoTime() + key + k + "}]");
        sent.incrementAndGet();
        long due = start + (k + 1) * period;
        sender.loop.schedule(Math.max(0, due - System.nanoTime()), this);
      }
    });
    allSent.await((long) (total / o.rate * 2 + 30), TimeUnit.SECONDS);
    return sent.get();
  }

  /** Waits until {@code counter} reaches {@code target}, at most 10 s. */
  private static void awaitCount(LongAdder counter, long target) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (counter.sum() < target && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  // ---------------------------------------------------------------- idle

  void idle(String transport, Map<String, Object> row) throws Exception {
    int n = transport.startsWith("w") ? o.idleClients : o.idleHttpClients;
    // Unmeasured warm-up, the same for every server: a cold JVM would otherwise bill its JIT
    // compilation to the first connects, which says nothing about a server that has been up.
    Connected warm = connect(Math.min(1000, n), transport, new Client.Listener() { }, o.concurrency);
    disconnect(warm.clients);
    settle(); // the warm-up's teardown is not billed to the measured connects
    double[] before = adminMemory();
    long rss0 = o.serverPid != null ? ProcStat.rssBytes(o.serverPid) : -1;
    onLoops(loop -> loop.recorder.clear());
    Cpu cpu = Cpu.start(o.serverPid);
    long t0 = System.nanoTime();
    Connected conn = connect(n, transport, new Client.Listener() { }, o.concurrency);
    double secs = (conn.lastConnected - t0) / 1e9;
    cpu.stop();
    long ok = conn.connected.sum();
    Recorder handshakes = collect();
    // Let the servers' post-connect work (timers, buffers) settle before the heap is read.
    Thread.sleep(1000);
    double[] after = adminMemory();
    long rss1 = o.serverPid != null ? ProcStat.rssBytes(o.serverPid) : -1;
    row.put("clients", n);
    row.put("connected", ok);
    row.put("failed", conn.failed.sum());
    row.put("connectsPerS", ok / secs);
    long[] s = handshakes.sorted();
    row.put("handshakeP50Ms", Recorder.percentileMs(s, 50));
    row.put("handshakeP99Ms", Recorder.percentileMs(s, 99));
    row.put("heapBeforeMb", before[0] / 1e6);
    row.put("heapAfterMb", after[0] / 1e6);
    row.put("heapPerConnKb", ok > 0 ? (after[0] - before[0]) / ok / 1024 : Double.NaN);
    row.put("rssPerConnKb", ok > 0 && rss0 > 0 ? (rss1 - rss0) / (double) ok / 1024 : Double.NaN);
    cpu.put(row, ok, "cpuUsPerConnect");
    if (o.holdS > 0) {
      System.out.println("holding " + ok + " connections for " + o.holdS + " s");
      sleep(o.holdS);
    }
    disconnect(conn.clients);
    // A few failed handshakes do not void the memory figures (they are per connected client and
    // the failures are reported); a server that lost more than 1% has not held the load.
    requireAll(conn, (int) Math.ceil(n * 0.99));
  }

  /** Heap used after a full GC, from the server's admin endpoint; NaN when it has none. */
  private double[] adminMemory() {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://" + o.host + ":" + o.admin() + "/mem")).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = Pattern.compile("\"heapUsed\":\\s*([0-9.]+)").matcher(r.body());
      return new double[] {m.find() ? Double.parseDouble(m.group(1)) : Double.NaN};
    } catch (Exception e) {
      return new double[] {Double.NaN};
    }
  }

  // ---------------------------------------------------------------- time to first event

  void ttfe(String transport, Map<String, Object> row) throws Exception {
    // Trials are one connection at a time: a server still tearing down the last scenario's
    // 10,000 connections would add seconds to the first of them (seen on every server, the floor
    // included), which says nothing about a fresh connection's time to its first event.
    settle();
    Recorder opens = new Recorder();
    Recorder firsts = new Recorder();
    int failures = 0;
    NioLoop loop = loops[0];
    for (int i = 0; i < o.ttfeTrials; i++) {
      CountDownLatch done = new CountDownLatch(1);
      long[] res = new long[2];
      Client.Listener l = new Client.Listener() {
        @Override
        public void onConnected(Client c) {
          c.send("42[\"echo\",{\"t\":" + c.tStart + "}]");
        }

        @Override
        public void onEvent(Client c, String p) {
          if (p.startsWith("42[\"echo\"")) {
            res[0] = c.tOpen - c.tStart;
            res[1] = System.nanoTime() - Client.stamp(p);
            c.disconnect();
            done.countDown();
          }
        }

        @Override
        public void onClosed(Client c, Exception cause) {
          done.countDown();
        }
      };
      Client c = new Client(loop, address, o.path, transport, l);
      loop.execute(c::start);
      if (!done.await(5, TimeUnit.SECONDS) || res[1] == 0) {
        failures++;
        loop.execute(c::disconnect);
        if (failures >= 3 && i < 3) {
          break; // the transport is not served at all; say so instead of waiting 10 s × trials
        }
        continue;
      }
      opens.record(res[0]);
      firsts.record(res[1]);
    }
    row.put("trials", o.ttfeTrials);
    row.put("failed", failures);
    long[] f = firsts.sorted();
    long[] op = opens.sorted();
    row.put("openP50Ms", Recorder.percentileMs(op, 50));
    row.put("p50Ms", Recorder.percentileMs(f, 50));
    row.put("p99Ms", Recorder.percentileMs(f, 99));
    row.put("maxMs", Recorder.percentileMs(f, 100));
    if (f.length == 0) {
      throw new IllegalStateException("no client reached its first event over " + transport);
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** Clients connected by {@link #connect}; counters are safe to read from the main thread. */
  static final class Connected {
    final List<Client> clients = new ArrayList<>();
    final LongAdder connected = new LongAdder();
    final LongAdder failed = new LongAdder();
    volatile long lastConnected;
    volatile String firstError;
  }

  /**
   * Connects {@code n} clients with at most {@code concurrency} handshakes in flight, round-robin
   * over the loops, and waits for all of them (bounded). Handshake times (start to Socket.IO
   * connect answer) go to the loops' recorders.
   */
  private Connected connect(int n, String transport, Client.Listener inner, int concurrency)
      throws InterruptedException {
    return connect(n, transport, inner, concurrency, new InetSocketAddress[] {address});
  }

  /** As above, client {@code i} to {@code targets[i % targets.length]} (its {@code group}). */
  private Connected connect(int n, String transport, Client.Listener inner, int concurrency,
      InetSocketAddress[] targets) throws InterruptedException {
    Connected res = new Connected();
    AtomicInteger launched = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(n);
    Client[] all = new Client[n];
    Runnable[] launchNext = new Runnable[1];
    Client.Listener l = new Client.Listener() {
      @Override
      public void onConnected(Client c) {
        c.loop.recorder.record(c.tConnected - c.tStart);
        res.connected.increment();
        res.lastConnected = System.nanoTime();
        finished.countDown();
        launchNext[0].run();
        inner.onConnected(c);
      }

      @Override
      public void onEvent(Client c, String p) {
        inner.onEvent(c, p);
      }

      @Override
      public void onAck(Client c, String p) {
        inner.onAck(c, p);
      }

      @Override
      public void onClosed(Client c, Exception cause) {
        res.failed.increment();
        if (res.firstError == null) {
          res.firstError = String.valueOf(cause);
        }
        if (!c.connected) {
          finished.countDown();
          launchNext[0].run();
        }
        inner.onClosed(c, cause);
      }
    };
    launchNext[0] = () -> {
      int i = launched.getAndIncrement();
      if (i < n) {
        NioLoop loop = loops[i % loops.length];
        Client c = new Client(loop, targets[i % targets.length], o.path, transport, l);
        c.group = i % targets.length;
        if (o.handshakePort > 0) c.handshakeAddress = new InetSocketAddress(o.host, o.handshakePort);
        all[i] = c;
        loop.execute(c::start);
      }
    };
    for (int i = 0; i < Math.min(n, concurrency); i++) {
      launchNext[0].run();
    }
    finished.await((long) (o.connectTimeoutS * 1000), TimeUnit.MILLISECONDS);
    for (Client c : all) {
      if (c != null) {
        res.clients.add(c);
      }
    }
    return res;
  }

  private static void requireAll(Connected c, int n) {
    long ok = c.connected.sum();
    if (ok < n) {
      throw new IllegalStateException(ok + " of " + n + " clients connected; first error: " + c.firstError);
    }
  }

  private void disconnect(List<Client> clients) throws InterruptedException {
    for (Client c : clients) {
      c.loop.execute(c::disconnect);
    }
    onLoops(loop -> { });
  }

  /** Runs {@code task} on every loop and waits for all: also a memory barrier for the reader. */
  private void onLoops(Consumer<NioLoop> task) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(loops.length);
    for (NioLoop l : loops) {
      l.execute(() -> {
        task.accept(l);
        latch.countDown();
      });
    }
    latch.await(30, TimeUnit.SECONDS);
  }

  private Recorder collect() throws InterruptedException {
    Recorder all = new Recorder();
    onLoops(l -> {
      synchronized (all) {
        all.addAll(l.recorder);
      }
      l.recorder.clear();
    });
    return all;
  }

  private static void latencies(Map<String, Object> row, Recorder r) {
    long[] s = r.sorted();
    row.put("p50Ms", Recorder.percentileMs(s, 50));
    row.put("p99Ms", Recorder.percentileMs(s, 99));
    row.put("maxMs", Recorder.percentileMs(s, 100));
  }

  /**
   * Waits until the server uses less than a tenth of a core over 200 ms (at most 15 s), so that
   * work left from the last scenario is not billed to the next one; returns at once without a
   * server pid.
   */
  private void settle() throws InterruptedException {
    if (o.serverPid == null) {
      return;
    }
    long deadline = System.nanoTime() + 15_000_000_000L;
    double last = ProcStat.cpuSecondsSum(o.serverPid);
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      double now = ProcStat.cpuSecondsSum(o.serverPid);
      if (Double.isNaN(now) || now - last < 0.02) {
        return;
      }
      last = now;
    }
  }

  private static void sleep(double seconds) throws InterruptedException {
    Thread.sleep((long) (seconds * 1000));
  }

  /** Server and generator CPU seconds over one measured window. */
  static final class Cpu {
    private final String pid;
    private final double server0;
    private final double gen0;
    private double server;
    private double gen;

    private Cpu(String pid) {
      this.pid = pid;
      server0 = pid != null ? ProcStat.cpuSecondsSum(pid) : Double.NaN;
      gen0 = ProcStat.cpuSeconds("self");
    }

    static Cpu start(String pid) {
      return new Cpu(pid);
    }

    void stop() {
      server = pid != null ? ProcStat.cpuSecondsSum(pid) - server0 : Double.NaN;
      gen = ProcStat.cpuSeconds("self") - gen0;
    }

    void put(Map<String, Object> row, long ops, String perOpKey) {
      row.put("serverCpuS", server);
      row.put("genCpuS", gen);
      row.put(perOpKey, ops > 0 ? server * 1e6 / ops : Double.NaN);
    }
  }
}
