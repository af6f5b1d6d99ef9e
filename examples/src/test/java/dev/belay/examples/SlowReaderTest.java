package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.TextMessages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading cannot take the server's memory: the guarded fixture runs in a
 * child JVM with a 128 MB heap while a WebSocket client that never reads (no demand, so the JDK
 * client leaves the socket unread) sends ~0.9 MB messages that the server echoes back. Its
 * session is closed with OUTBOUND_OVERFLOW once 10 MB wait for it (bytes in the session and in
 * the binding's queue), the child has no OutOfMemoryError, and a second client is served
 * normally afterwards.
 */
class SlowReaderTest {
  private static final int MESSAGE_CHARS = 900_000;
  /** 360 MB in all: far more than the child's heap, if nothing bounded what waits for the client. */
  private static final int MAX_MESSAGES = 400;

  private final HttpClient http = HttpClient.newHttpClient();
  private Process child;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (child != null) {
      child.destroy();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private int startChild() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        GuardedServerProcess.class.getName()).start();
    follow(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)), stdout::add);
    follow(new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8)), stderr::add);
    String first = line("the child to listen");
    assertTrue(first.startsWith("port "), first + " " + stderr);
    return Integer.parseInt(first.substring(5).trim());
  }

  private static void follow(BufferedReader reader, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> reader.lines().forEach(sink), "child-output");
    t.setDaemon(true);
    t.start();
  }

  private String line(String what) throws InterruptedException {
    String l = stdout.poll(60, TimeUnit.SECONDS);
    if (l == null) throw new AssertionError("no line from the child: " + what + "; stderr " + stderr);
    return l;
  }

  /** A client that reads the open packet, then nothing more. */
  private static final class NonReader implements WebSocket.Listener {
    final CompletableFuture<String> open = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1); // the open packet only
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      open.complete(data.toString());
      return null; // and no more demand: the JDK client stops reading the socket
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedAtTheByteBoundAndTheServerKeepsServing() throws Exception {
    int port = startChild();
    String url = "ws://127.0.0.1:" + port + "/guarded/?EIO=4&transport=websocket";

    NonReader slow = new NonReader();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(url), slow).get(30, TimeUnit.SECONDS);
    assertTrue(slow.open.get(30, TimeUnit.SECONDS).startsWith("0{\"sid\":"));
    socket.sendText("40", true).get(30, TimeUnit.SECONDS);
    String echo = "42[\"message\",\"" + "x".repeat(MESSAGE_CHARS) + "\"]";
    int sent = 0;
    String closed = null;
    while (sent < MAX_MESSAGES && closed == null) {
      try {
        socket.sendText(echo, true).get(60, TimeUnit.SECONDS);
        sent++;
      } catch (Exception e) {
        break; // the server cut the connection
      }
      String l = stdout.poll();
      if (l != null && l.startsWith("closed ")) closed = l;
    }
    if (closed == null) closed = line("the slow session to close");
    assertEquals("closed OUTBOUND_OVERFLOW: more than 10000000 bytes waiting for the client", closed,
        "after " + sent + " messages of " + MESSAGE_CHARS + " characters; stderr " + stderr);
    socket.abort();

    TextMessages fresh = new TextMessages();
    WebSocket second = http.newWebSocketBuilder().buildAsync(URI.create(url), fresh).get(30, TimeUnit.SECONDS);
    assertTrue(fresh.next().startsWith("0{\"sid\":"));
    second.sendText("40", true).get(30, TimeUnit.SECONDS);
    assertTrue(fresh.next().startsWith("40{\"sid\":"));
    second.sendText("42[\"message\",\"still here\",1]", true).get(30, TimeUnit.SECONDS);
    assertEquals("42[\"message-back\",\"still here\",1]", fresh.next());
    second.abort();

    assertTrue(child.isAlive(), "the server process is alive");
    assertTrue(stderr.stream().noneMatch(l -> l.contains("OutOfMemoryError")), stderr.toString());
  }
}
