package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled client, as the belay-js-client jar ships it, under Node against Belay: each
 * transport alone, the default race, WebSocket refused (SSE wins within 1.5 s), and upgrades
 * polling to SSE, polling to WebSocket and SSE to WebSocket with the server pushing a burst of
 * numbered events throughout (none lost or reordered).
 */
class BundledClientNodeTest {
  private static Path client;
  private SioServer server;

  @BeforeAll
  static void writeClient() throws IOException {
    client = Files.createTempFile("belay-client-", ".mjs");
    client.toFile().deleteOnExit();
    Files.write(client, ClientScriptHandler.resource("socket.io.esm.js"));
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private void start(Consumer<dev.belay.engine.EngineOptions.Builder> engine) {
    server = SioServer.start(engine, o -> {}, s -> {
      InteropApp.install(s);
      s.on("connection", socket -> socket.on("burst", (args, ack) -> {
        int n = ((Number) args.get(0)).intValue();
        for (int i = 0; i < n; i++) socket.emit("seq", i);
      }));
    });
  }

  private void run(String scenario) {
    NodeScript.Result r = NodeClient.run("bundled-client.mjs", client.toString(), server.url(), scenario);
    assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("OK ")), r.stdout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "sse", "default"})
  void eachTransportAndTheDefault(String scenario) {
    start(e -> {});
    run(scenario);
  }

  @Test
  void webSocketRefusedSseWins() {
    start(e -> e.transports("sse", "polling"));
    run("websocket-refused");
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling-to-sse", "polling-to-websocket", "sse-to-websocket"})
  void upgradesLoseNothing(String scenario) {
    start(e -> {});
    run(scenario);
  }
}
