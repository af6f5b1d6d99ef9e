package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.belay.testing.ChaosProxy;
import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transport that goes silent after it opened (a proxy that starts buffering an SSE stream, or a
 * route that swallows a WebSocket) costs the user nothing with connection state recovery on: the
 * {@code /recovery/} fixture (ping 300/200 ms) behind a {@link ChaosProxy} that, while ticks flow,
 * silences every connection open at that moment ({@link ChaosProxy#blackholeOpen()}) and lets new
 * ones through. The client (official or bundled, under Node) must notice by heartbeat, reconnect,
 * be recovered and see each tick of 1..N once and in order; the server must have closed the silent
 * session by its own heartbeat.
 *
 * <p>With the bundled client on SSE under Node, the first reconnection after a silence usually
 * fails once: the new session's POSTs go out on a pooled keep-alive connection the proxy had
 * silenced, so the server closes that session for want of a pong, and the next attempt (on a
 * fresh connection) recovers. Nothing is lost either way; the script reports it per silence as
 * {@code extraDisconnects}.
 *
 * <p>{@code -Drecovery.ticks}, {@code -Drecovery.everyMs} and {@code -Drecovery.silences} size a run.
 */
class SilentTransportTest {
  private static final int TICKS = Integer.getInteger("recovery.ticks", 150);
  private static final int EVERY_MS = Integer.getInteger("recovery.everyMs", 40);
  private static final int SILENCES = Integer.getInteger("recovery.silences", 2);
  // Set once in @BeforeAll, read by the tests (one at a time).
  private static Undertow server;
  private static int port;
  private static Path bundled;

  @BeforeAll
  static void start() throws IOException {
    server = Main.conformance("127.0.0.1", 0);
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    bundled = Files.createTempFile("belay-client-", ".mjs");
    bundled.toFile().deleteOnExit();
    Files.write(bundled, ClientScriptHandler.resource("socket.io.esm.js"));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.stop();
  }

  @ParameterizedTest(name = "{0} client, {1}")
  @CsvSource({
      "official, websocket",
      "bundled, websocket",
      "bundled, sse",
  })
  void aSilentTransportIsLeftAndTheSessionResumesWithNothingLost(String client, String transport) throws IOException {
    try (ChaosProxy proxy = ChaosProxy.faithful(port)) {
      // The script asks for each silence when ticks are flowing, over this endpoint.
      HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      control.createContext("/blackhole", exchange -> {
        byte[] body = Integer.toString(proxy.blackholeOpen()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      control.start();
      try {
        NodeScript.Result result = NodeScript.run("recovery-silent.mjs", Duration.ofSeconds(30 + TICKS * EVERY_MS * 4L / 1000),
            client, "http://127.0.0.1:" + proxy.port(), "http://127.0.0.1:" + port, transport,
            Integer.toString(TICKS), Integer.toString(EVERY_MS), Integer.toString(SILENCES),
            "http://127.0.0.1:" + control.getAddress().getPort() + "/blackhole", bundled.toString());
        String summary = client + "/" + transport + ": " + result.stdout() + result.stderr();
        assertEquals(0, result.exitCode(), summary);
        JsonObject report = JsonParser.parseString(result.lines().get(result.lines().size() - 1)).getAsJsonObject();
        assertEquals(TICKS, report.get("ticks").getAsInt(), "every tick, once and in order: " + summary);
        assertEquals(0, report.getAsJsonArray("errors").size(), summary);
        assertEquals(1, report.get("welcomes").getAsInt(), "one socket all along, one welcome: " + summary);
        assertEquals(SILENCES, report.getAsJsonArray("silences").size(), summary);
        for (JsonElement element : report.getAsJsonArray("silences")) {
          JsonObject silence = element.getAsJsonObject();
          assertTrue(silence.get("silenced").getAsInt() >= 1, "the transport's connection was silenced: " + summary);
          assertEquals("ping timeout", silence.get("reason").getAsString(), "the client noticed by heartbeat: " + summary);
          // pingInterval + pingTimeout is 500 ms; a loaded machine's timers get some slack
          assertTrue(silence.get("detectedMs").getAsInt() < 2_000, "noticed within 2 s: " + summary);
          assertTrue(silence.get("recovered").getAsBoolean(), "recovered after the silence: " + summary);
          assertEquals(transport, silence.get("transport").getAsString(), summary);
          assertTrue(silence.get("oldSid").getAsString().startsWith("400 {\"code\":1,"),
              "the server closed the silent session: " + summary);
        }
        // Each silence made the socket leave on the server by its own heartbeat (more "ping
        // timeout"s are the tight heartbeat on a loaded machine, recovered like the rest).
        JsonElement disconnects = report.get("serverDisconnects");
        assertTrue(disconnects != null && disconnects.isJsonArray(), summary);
        int pingTimeouts = 0;
        for (JsonElement reason : disconnects.getAsJsonArray()) {
          if (reason.getAsString().equals("ping timeout")) pingTimeouts++;
        }
        assertTrue(pingTimeouts >= SILENCES, "the server noticed each silence by its own heartbeat: " + summary);
        System.out.println(client + "/" + transport + ": " + report.get("silences"));
      } finally {
        control.stop(0);
      }
    }
  }
}
