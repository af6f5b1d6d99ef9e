package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineStats;
import dev.belay.testing.EngineClient;
import dev.belay.testing.TestEngine;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The counters API: sessions on each transport now, and upgrades by path. */
class StatsTest {
  private TestEngine fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) fixture.close();
  }

  @Test
  void countsSessionsPerTransportAndUpgradesByPath() {
    // Counts are absolute: refuse handshakes from anything but this test's clients (a client of an
    // earlier test that reconnects to a recycled port would otherwise count).
    String token = UUID.randomUUID().toString();
    fixture = TestEngine.start(EngineOptions.builder().allowRequest(r -> token.equals(r.query("k"))));
    String base = fixture.base() + "?k=" + token;
    assertEquals(Map.of("polling", 0, "sse", 0, "websocket", 0), fixture.engine.stats().snapshot().sessionsByTransport());
    try (EngineClient polling = EngineClient.open(base, "polling");
        EngineClient sse = EngineClient.open(base, "sse");
        EngineClient ws = EngineClient.open(base, "websocket");
        EngineClient upgrader = EngineClient.open(base, "polling")) {
      for (EngineClient c : new EngineClient[] {polling, sse, ws, upgrader}) fixture.socket(c.sid());
      EngineStats.Snapshot s = fixture.engine.stats().snapshot();
      assertEquals(Map.of("polling", 2, "sse", 1, "websocket", 1), s.sessionsByTransport());
      assertEquals(Map.of(), s.upgrades());
      assertEquals(4, s.handshakes());

      upgrader.upgrade("sse");
      fixture.awaitUpgrade(upgrader.sid(), "sse");
      s = fixture.engine.stats().snapshot();
      assertEquals(Map.of("polling", 1, "sse", 2, "websocket", 1), s.sessionsByTransport());
      assertEquals(Map.of("polling->sse", 1L), s.upgrades());

      upgrader.upgrade("websocket");
      polling.upgrade("websocket");
      fixture.awaitUpgrade(upgrader.sid(), "websocket");
      fixture.awaitUpgrade(polling.sid(), "websocket");
      s = fixture.engine.stats().snapshot();
      assertEquals(Map.of("polling", 0, "sse", 1, "websocket", 3), s.sessionsByTransport());
      assertEquals(Map.of("polling->sse", 1L, "sse->websocket", 1L, "polling->websocket", 1L), s.upgrades());

      sse.dropStream();
      fixture.awaitClose(sse.sid());
      assertEquals(Map.of("polling", 0, "sse", 0, "websocket", 3), fixture.engine.stats().snapshot().sessionsByTransport());
    }
  }
}
