package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled client on long-polling under Node, through a TCP proxy that cuts the connection
 * once as an answer comes back (a poll answer carrying events, or the "ok" of an event's POST):
 * the client sends the numbered request again, and every event arrives once, the POSTed event is
 * handled once, and the session never drops (see bundled-client-resend.mjs).
 */
class ResendThroughProxyTest {
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

  @ParameterizedTest
  @ValueSource(strings = {"poll", "post"})
  void oneLostAnswerLosesAndRepeatsNothing(String scenario) {
    AtomicInteger count = new AtomicInteger();
    server = SioServer.start(s -> s.on("connection", socket -> {
      socket.on("burst", (args, ack) -> {
        int n = ((Number) args.get(0)).intValue();
        for (int i = 0; i < n; i++) socket.emit("seq", i);
      });
      socket.on("inc", (args, ack) -> count.incrementAndGet());
      socket.on("count", (args, ack) -> ack.send(count.get()));
    }));
    NodeScript.Result r = NodeClient.run("bundled-client-resend.mjs", client.toString(), server.url(), scenario);
    assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("OK ")), r.stdout());
  }
}
