package dev.belay.bench;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Bytes on the wire and server CPU per message, with and without compression, in one process:
 * {@code java -jar belay-bench.jar compression [rounds]}. The server sends N copies of a payload
 * to one client, over WebSocket (raw socket offering permessage-deflate) and over long-polling
 * (JDK HttpClient, Accept-Encoding: gzip or none). Wire bytes are the WebSocket frames or the
 * polling bodies as received; CPU is the summed CPU time of the server's threads (I/O threads and
 * workers, not the client's) divided by N. Configurations run interleaved, round after round, so
 * that the shared machine's load falls on all of them; the medians are printed.
 */
final class CompressionBench {
  private static final String CHAT = "{\"id\":\"m-81723\",\"room\":\"general\",\"user\":{\"id\":\"u-42\",\"name\":\"Ada\"},"
      + "\"text\":\"Are we still on for the review at three? I pushed the fixes.\",\"ts\":1733222400123}";
  private static final String LARGE = "[" + String.join(",", Collections.nCopies(400,
      "{\"sku\":\"A-1001\",\"name\":\"Widget\",\"price\":9.99,\"stock\":120,\"tags\":[\"blue\",\"small\"]}")) + "]";

  private CompressionBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    // 200 large messages (about 8 MB queued at once) stay under a polling client's default
    // maxOutboundBytes (10 MB): past it the server closes a client that does not keep up.
    String[][] cases = {{"chat", CHAT, "5000"}, {"large", LARGE, "200"}};
    System.out.printf("payloads: chat %d B, large %d B; rounds %d (interleaved)%n", CHAT.length(), LARGE.length(), rounds);
    List<String> labels = new ArrayList<>();
    List<List<double[]>> results = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      int i = 0;
      for (String[] c : cases) {
        int n = Integer.parseInt(c[2]);
        for (String mode : new String[] {"ws", "ws+deflate", "ws+deflate(t=0)", "polling", "polling+gzip"}) {
          if (r == 0) {
            labels.add(c[0] + " " + mode);
            results.add(new ArrayList<>());
          }
          double[] m = run(mode, c[1], n);
          System.out.printf("round %d %s %s: %.1f B/msg, %.1f us/msg%n", r + 1, c[0], mode, m[0], m[1]);
          results.get(i++).add(m);
        }
      }
    }
    System.out.printf("%-26s %14s %14s%n", "case", "wire B/msg", "server CPU us/msg");
    for (int i = 0; i < labels.size(); i++) {
      System.out.printf("%-26s %14.1f %14.1f%n", labels.get(i), median(results.get(i), 0), median(results.get(i), 1));
    }
  }

  private static double median(List<double[]> runs, int k) {
    double[] v = runs.stream().mapToDouble(a -> a[k]).sorted().toArray();
    return v[v.length / 2];
  }

  /** {wire bytes per message, server CPU microseconds per message}. */
  private static double[] run(String mode, String payload, int n) throws Exception {
    EngineOptions.Builder e = EngineOptions.builder();
    if (mode.startsWith("ws+deflate")) e.perMessageDeflate(true);
    if (mode.equals("ws+deflate(t=0)")) e.perMessageDeflateThreshold(0);
    if (mode.equals("polling")) e.httpCompression(false);
    Server server = new Server(ServerOptions.builder().engine(e.build()).build());
    server.on("connection", socket -> socket.on("go", (a, ack) -> {
      for (int i = 0; i < n; i++) socket.emit("m", payload);
    }));
    Listening http = server.listen("127.0.0.1", 0);
    try {
      long cpu0 = serverCpu();
      long wire = mode.startsWith("ws") ? ws(http.port(), n) : polling(http.port(), n, mode.endsWith("gzip"));
      long cpu = serverCpu() - cpu0;
      return new double[] {(double) wire / n, cpu / 1000.0 / n};
    } finally {
      server.close();
    }
  }

  private static long serverCpu() {
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : t.getAllThreadIds()) {
      var info = t.getThreadInfo(id);
      if (info == null || info.getThreadName().startsWith("HttpClient") || info.getThreadName().equals("main")) continue;
      long c = t.getThreadCpuTime(id);
      if (c > 0) sum += c;
    }
    return sum;
  }

  private static long ws(int port, int n) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
      readFrame(in); // open
      frame(out, "40");
      readFrame(in); // connect
      frame(out, "42[\"go\"]");
      long wire = 0;
      for (int got = 0; got < n; ) {
        int size = readFrame(in);
        if (size > 30) { // a ping ("2") is not a message
          wire += size;
          got++;
        }
      }
      return wire;
    }
  }

  /** Reads one (unmasked, unfragmented) frame; returns its size on the wire, header included. */
  private static int readFrame(DataInputStream in) throws Exception {
    in.readUnsignedByte();
    int len = in.readUnsignedByte() & 0x7f;
    int header = 2;
    if (len == 126) {
      len = in.readUnsignedShort();
      header += 2;
    } else if (len == 127) {
      len = (int) in.readLong();
      header += 8;
    }
    in.skipNBytes(len);
    return header + len;
  }

  /** A masked text frame with a zero mask key (the payload goes as is). */
  private static void frame(OutputStream out, String text) throws Exception {
    byte[] p = text.getBytes(StandardCharsets.UTF_8);
    out.write(new byte[] {(byte) 0x81, (byte) (0x80 | p.length), 0, 0, 0, 0});
    out.write(p);
    out.flush();
  }

  private static long polling(int port, int n, boolean gzip) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling";
    String open = http.send(HttpRequest.newBuilder(URI.create(base)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    String sid = open.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    URI uri = URI.create(base + "&sid=" + sid);
    http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()); // connect packet
    http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("42[\"go\"]")).build(), HttpResponse.BodyHandlers.discarding());
    long wire = 0;
    for (int got = 0; got < n; ) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
      if (gzip) b.header("Accept-Encoding", "gzip");
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("poll answered " + r.statusCode() + " after " + got + " of " + n
            + " messages: " + new String(r.body(), StandardCharsets.UTF_8));
      }
      wire += r.body().length;
      byte[] body = r.headers().firstValue("Content-Encoding").isPresent()
          ? new GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes() : r.body();
      String text = new String(body, StandardCharsets.UTF_8);
      for (int at = text.indexOf("42[\"m\""); at >= 0; at = text.indexOf("42[\"m\"", at + 1)) got++;
    }
    return wire;
  }
}
