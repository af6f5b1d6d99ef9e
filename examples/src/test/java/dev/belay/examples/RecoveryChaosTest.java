package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.testing.ChaosProxy;
import dev.belay.testing.NodeScript;
import dev.belay.transport.ClientScriptHandler;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connection state recovery under a network that keeps breaking: the {@code /recovery/} fixture
 * behind a {@link ChaosProxy} that cuts every connection 100 to 800 ms after it opens, and a client
 * (the official socket.io-client, or the bundled one, under Node) that must see each tick of a
 * 1..N stream exactly once and in order, and recover after every cut. The bundled client also sends
 * acknowledged emits, each to be handled exactly once. On polling the bundled client mostly rides
 * out a cut without reconnecting (it sends the cut request again, resend-safe polling).
 *
 * <p>CI runs a short stream per client and transport; the full run (over 1,000 cuts in total):
 * {@code mvn -pl examples -am verify -Dtest=RecoveryChaosTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Drecovery.ticks=2500 -Drecovery.everyMs=20}. {@code -Drecovery.seed=N} replays a run.
 */
class RecoveryChaosTest {
  private static final int TICKS = Integer.getInteger("recovery.ticks", 150);
  private static final int EVERY_MS = Integer.getInteger("recovery.everyMs", 40);
  private static final long SEED = Long.getLong("recovery.seed", System.nanoTime());
  private static final AtomicInteger TOTAL_CUTS = new AtomicInteger();
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
    System.out.println("RecoveryChaosTest seed " + SEED + " (-Drecovery.seed to replay)");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.stop();
    System.out.println("RecoveryChaosTest: " + TOTAL_CUTS.get() + " cuts in total");
  }

  @ParameterizedTest(name = "{0} client, {1}")
  @CsvSource({
      "official, websocket, 0",
      "official, polling, 0",
      "official, default, 0",
      "bundled, websocket, 20",
      "bundled, sse, 20",
      "bundled, polling, 20",
      "bundled, default, 20",
  })
  void everyTickArrivesOnceAndInOrderThroughCuts(String client, String transport, int incs) throws IOException {
    try (ChaosProxy proxy = ChaosProxy.start(port, SEED ^ (client + transport).hashCode(), 100, 800)) {
      NodeScript.Result result = NodeScript.run("recovery-chaos.mjs", Duration.ofSeconds(30 + TICKS * EVERY_MS * 4L / 1000),
          client, "http://127.0.0.1:" + proxy.port(), "http://127.0.0.1:" + port, transport,
          Integer.toString(TICKS), Integer.toString(EVERY_MS), Integer.toString(incs), bundled.toString());
      int cuts = proxy.cuts();
      TOTAL_CUTS.addAndGet(cuts);
      String summary = client + "/" + transport + ", " + cuts + " cuts, seed " + SEED + ": " + result.stdout() + result.stderr();
      assertEquals(0, result.exitCode(), summary);
      JsonObject report = JsonParser.parseString(result.lines().get(result.lines().size() - 1)).getAsJsonObject();
      assertEquals(TICKS, report.get("ticks").getAsInt(), summary);
      assertEquals(0, report.getAsJsonArray("errors").size(), summary);
      assertEquals(0, report.get("notRecovered").getAsInt(), summary);
      assertEquals(1, report.get("welcomes").getAsInt(), "one socket all along, one welcome: " + summary);
      assertTrue(cuts >= 3, "the proxy must have cut a few times: " + summary);
      // The bundled client on polling sends a numbered request again when its connection is cut
      // (resend-safe polling, PROTOCOL.md): most cuts cost it no reconnection at all.
      if (!(client.equals("bundled") && transport.equals("polling"))) {
        assertTrue(report.get("reconnects").getAsInt() >= 3, "cuts must have caused reconnections: " + summary);
      }
      if (incs > 0) {
        assertEquals(incs, report.get("received").getAsInt(), summary);
        assertEquals(0, report.get("duplicates").getAsInt(), summary);
      }
    }
  }
}
