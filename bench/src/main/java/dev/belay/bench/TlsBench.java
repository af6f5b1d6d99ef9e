package dev.belay.bench;

import dev.belay.bench.load.ProcStat;
import dev.belay.binding.ListenOptions;
import dev.belay.binding.SelfSignedCertificate;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.bench.load.Recorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code tls}: Engine.IO echo over WebSocket and SSE, plain and encrypted, HTTP/1.1 and HTTP/2, side
 * by side. Each run starts a fresh {@link #serve tls-server} process (plain, or {@code --tls}: a
 * self-signed certificate, ALPN h2 and HTTP/1.1) and drives its {@code /engine.io/} echo with the
 * JDK's own clients, which speak wss and h2: {@code java.net.http.WebSocket} and
 * {@code HttpClient} (one client per mode, so over HTTP/2 every SSE stream and POST of every session
 * shares one connection, as a browser's tabs of one origin do). Server CPU per round trip comes
 * from /proc over the measured window, so the generator's own cost is not counted.
 *
 * <pre>{@code
 * java -jar bench/target/belay-bench.jar tls \
 *     --modes ws,wss,sse-h1,sse-h1-tls,sse-h2 --clients 50 --inflight 1,10 --rounds 3
 * }</pre>
 *
 * <p>Modes: {@code ws}, {@code wss}; {@code sse-h1} (plain HTTP/1.1), {@code sse-h1-tls} (HTTPS,
 * HTTP/1.1 only), {@code sse-h2} (HTTPS, HTTP/2 by ALPN). An SSE session has one POST in flight at
 * a time (what the bundled client does): messages and pongs that wait go out together in the next.
 */
public final class TlsBench {
  private static final List<String> ALL_MODES = List.of("ws", "wss", "sse-h1", "sse-h1-tls", "sse-h2");

  private TlsBench() {}

  public static void main(String[] args) throws Exception {
    // The conformance certificate is made at start for 127.0.0.1: trusted blindly, names unchecked.
    System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    List<String> modes = List.of(Main.opt(args, "--modes", String.join(",", ALL_MODES)).split(","));
    int clients = Integer.parseInt(Main.opt(args, "--clients", "50"));
    List<String> windows = List.of(Main.opt(args, "--inflight", "1,10").split(","));
    int warmup = Integer.parseInt(Main.opt(args, "--warmup", "3"));
    int duration = Integer.parseInt(Main.opt(args, "--duration", "10"));
    int rounds = Integer.parseInt(Main.opt(args, "--rounds", "3"));
    int port = Integer.parseInt(Main.opt(args, "--port", "3700"));
    for (String mode : modes) {
      if (!ALL_MODES.contains(mode)) throw new IllegalArgumentException("unknown mode " + mode + ", expected " + ALL_MODES);
    }
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (String window : windows) {
        for (String mode : modes) {
          double[] r = run(mode, port++, clients, Integer.parseInt(window.trim()), warmup, duration);
          System.out.printf(Locale.ROOT, "{\"round\":%d,\"mode\":\"%s\",\"clients\":%d,\"inflight\":%s,"
              + "\"perS\":%.0f,\"cpuUsPerRoundTrip\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"failed\":%.0f,\"load1\":%.2f}%n",
              round, mode, clients, window.trim(), r[0], r[1], r[2], r[3], r[4], r[5]);
          results.computeIfAbsent(mode + " " + window.trim(), k -> new ArrayList<>()).add(r);
        }
      }
    }
    System.out.println();
    System.out.println("| mode | in flight | round trips/s | server µs/round trip | p50 ms | p99 ms | runs |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    results.forEach((key, runs) -> {
      String[] k = key.split(" ");
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.2f | %.2f | %d |%n", k[0], k[1],
          median(runs, 0), median(runs, 1), median(runs, 2), median(runs, 3), runs.size());
    });
  }

  private static double median(List<double[]> runs, int field) {
    return Recorder.median(runs.stream().mapToDouble(r -> r[field]).toArray());
  }

  /** One fresh server, one mode: {perS, cpuUsPerRoundTrip, p50Ms, p99Ms, failed, load1}. */
  static double[] run(String mode, int port, int clients, int inflight, int warmup, int duration)
      throws Exception {
    boolean tls = mode.equals("wss") || mode.endsWith("-tls") || mode.equals("sse-h2");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "tls-server", "--port", Integer.toString(port)));
    if (tls) command.add("--tls");
    Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      awaitBanner(server);
      String pid = Long.toString(server.pid());
      String base = (tls ? "https" : "http") + "://127.0.0.1:" + port + "/engine.io/?EIO=4";
      HttpClient http = HttpClient.newBuilder()
          .version(mode.equals("sse-h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
          .sslContext(trustAll())
          .connectTimeout(Duration.ofSeconds(10))
          .build();
      Stats stats = new Stats();
      List<EchoClient> all = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        all.add(mode.startsWith("ws") ? new WsEcho(http, base, inflight, stats) : new SseEcho(http, base, inflight, stats));
      }
      for (EchoClient c : all) c.start();
      Thread.sleep(warmup * 1000L);
      long trips0 = stats.roundTrips.get();
      double cpu0 = ProcStat.cpuSeconds(pid);
      stats.measuring = true;
      long t0 = System.nanoTime();
      Thread.sleep(duration * 1000L);
      long trips = stats.roundTrips.get() - trips0;
      double cpu = ProcStat.cpuSeconds(pid) - cpu0;
      double seconds = (System.nanoTime() - t0) / 1e9;
      stats.measuring = false;
      for (EchoClient c : all) c.stop();
      long[] sorted;
      synchronized (stats) {
        sorted = stats.latencies.sorted();
      }
      return new double[] {trips / seconds, trips == 0 ? Double.NaN : cpu * 1e6 / trips,
          Recorder.percentileMs(sorted, 50), Recorder.percentileMs(sorted, 99), stats.failed.get(), loadAverage()};
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
    }
  }

  private static void awaitBanner(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("tls-server listening")) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(java.io.Writer.nullWriter());
          } catch (IOException ignored) {
            // the server ended
          }
        }, "server-output");
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IOException("the tls-server ended before it listened");
  }

  /**
   * {@code tls-server}: the echo the clients drive, at {@code /engine.io/}: every message sent back
   * as it came, on Belay's Engine.IO layer; heartbeats every 25 s (a loaded machine cannot keep the
   * conformance fixture's 200 ms pong deadline for 50 sessions opening at once). With
   * {@code --tls}: https and wss with a self-signed certificate, HTTP/2 by ALPN, HTTP/1.1 for
   * WebSocket upgrades and clients without h2, exactly as {@code io.listen} serves them.
   */
  public static void serve(String[] args) {
    int port = Integer.parseInt(Main.opt(args, "--port", "3700"));
    boolean tls = java.util.Arrays.asList(args).contains("--tls");
    EngineServer engine = new EngineServer(EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofSeconds(25)).pingTimeout(Duration.ofSeconds(20)).build());
    engine.onConnection(socket -> socket.onMessage(data -> {
      if (data instanceof String text) socket.send(text);
      else socket.send((byte[]) data);
    }));
    ListenOptions.Builder listen = ListenOptions.builder().host("127.0.0.1").port(port);
    if (tls) listen.tls(SelfSignedCertificate.generate("127.0.0.1").tls());
    engine.listen(listen.build());
    System.out.println("tls-server listening on " + (tls ? "https" : "http") + "://127.0.0.1:" + port + "/engine.io/");
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Accepts any certificate: the bench talks to its own server on 127.0.0.1 only. */
  private static SSLContext trustAll() throws Exception {
    TrustManager trustAll = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
    return context;
  }

  /** Counts shared by the clients of one run. */
  private static final class Stats {
    final AtomicLong roundTrips = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    /** Latencies are kept only while measuring; written by the clients' threads. */
    volatile boolean measuring;
    /** Guarded by this. */
    final Recorder latencies = new Recorder();

    void echoed(String packet) {
      roundTrips.incrementAndGet();
      if (!measuring) return;
      long sent = Long.parseLong(packet.substring(1));
      synchronized (this) {
        latencies.record(System.nanoTime() - sent);
      }
    }
  }

  private interface EchoClient {
    void start();

    void stop();
  }

  /** An Engine.IO session over WebSocket: messages are {@code 4<nanoTime>}, echoed as they are. */
  private static final class WsEcho implements EchoClient, WebSocket.Listener {
    private final HttpClient http;
    private final URI uri;
    private final int inflight;
    private final Stats stats;
    /** Sends are chained: java.net.http.WebSocket allows one outstanding send. Listener thread only. */
    private CompletableFuture<WebSocket> sending;
    /** Text frames of one message (the listener is called in order). Listener thread only. */
    private final StringBuilder partial = new StringBuilder();
    /** Set once the socket is open; read by stop(). */
    private volatile WebSocket socket;

    WsEcho(HttpClient http, String base, int inflight, Stats stats) {
      this.http = http;
      this.uri = URI.create(base.replaceFirst("^http", "ws") + "&transport=websocket");
      this.inflight = inflight;
      this.stats = stats;
    }

    @Override public void start() {
      http.newWebSocketBuilder().buildAsync(uri, this).whenComplete((ws, error) -> {
        if (error != null) stats.failed.incrementAndGet();
      });
    }

    @Override public void stop() {
      WebSocket ws = socket;
      if (ws != null) ws.abort();
    }

    @Override public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      sending = CompletableFuture.completedFuture(webSocket);
      webSocket.request(1);
    }

    @Override public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String packet = partial.toString();
        partial.setLength(0);
        if (packet.startsWith("0")) {
          for (int i = 0; i < inflight; i++) send(webSocket, "4" + System.nanoTime());
        } else if (packet.equals("2")) {
          send(webSocket, "3");
        } else if (packet.startsWith("4")) {
          stats.echoed(packet);
          send(webSocket, "4" + System.nanoTime());
        }
      }
      webSocket.request(1);
      return null;
    }

    private void send(WebSocket webSocket, String text) {
      sending = sending.thenCompose(ws -> ws.sendText(text, true));
    }

    @Override public void onError(WebSocket webSocket, Throwable error) {
      if (stats.measuring) stats.failed.incrementAndGet();
    }
  }

  /** An Engine.IO session over SSE: the stream down, POSTs up, one POST at a time. */
  private static final class SseEcho implements EchoClient {
    private final HttpClient http;
    private final String base;
    private final int inflight;
    private final Stats stats;
    /** Packets waiting for the next POST; any thread adds, the POST in flight takes them. */
    private final ConcurrentLinkedQueue<String> waiting = new ConcurrentLinkedQueue<>();
    /** Whether a POST is in flight. */
    private final AtomicBoolean posting = new AtomicBoolean();
    /** Set once the open packet arrived; read by the POST path. */
    private volatile String postUrl;
    /** The stream's body, closed by stop(). */
    private volatile InputStream stream;
    private volatile boolean stopped;

    SseEcho(HttpClient http, String base, int inflight, Stats stats) {
      this.http = http;
      this.base = base;
      this.inflight = inflight;
      this.stats = stats;
    }

    @Override public void start() {
      HttpRequest open = HttpRequest.newBuilder(URI.create(base + "&transport=sse")).GET().build();
      http.sendAsync(open, HttpResponse.BodyHandlers.ofInputStream()).whenComplete((response, error) -> {
        // A stream on another HTTP version than the mode's (ALPN fell back) would compare the wrong thing.
        if (error != null || response.statusCode() != 200 || response.version() != http.version()) {
          stats.failed.incrementAndGet();
          return;
        }
        stream = response.body();
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
      });
    }

    @Override public void stop() {
      stopped = true;
      InputStream in = stream;
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    private void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.startsWith("data: ")) onPacket(line.substring(6));
        }
      } catch (IOException e) {
        if (!stopped) stats.failed.incrementAndGet();
      }
    }

    private void onPacket(String packet) {
      if (packet.startsWith("0")) {
        int at = packet.indexOf("\"sid\":\"") + 7;
        postUrl = base + "&transport=sse&sid=" + packet.substring(at, packet.indexOf('"', at));
        for (int i = 0; i < inflight; i++) waiting.add("4" + System.nanoTime());
      } else if (packet.equals("2")) {
        waiting.add("3");
      } else if (packet.startsWith("4")) {
        stats.echoed(packet);
        waiting.add("4" + System.nanoTime());
      }
      post();
    }

    private void post() {
      if (stopped || waiting.isEmpty() || !posting.compareAndSet(false, true)) return;
      StringBuilder payload = new StringBuilder();
      for (String p; (p = waiting.poll()) != null; ) {
        if (payload.length() > 0) payload.append('\u001e');
        payload.append(p);
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(postUrl))
          .header("Content-Type", "text/plain;charset=UTF-8")
          .POST(HttpRequest.BodyPublishers.ofString(payload.toString())).build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
        if ((error != null || response.statusCode() != 200) && !stopped) stats.failed.incrementAndGet();
        posting.set(false);
        post(); // what arrived meanwhile
      });
    }
  }
}
