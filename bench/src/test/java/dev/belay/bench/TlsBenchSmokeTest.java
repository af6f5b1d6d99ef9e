package dev.belay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the {@code tls} bench working: each mode starts its own {@code tls-server} process (with
 * TLS and HTTP/2 where the mode says) and the JDK clients complete round trips without losing a
 * session. It measures nothing; the figures are bench/results/2026-12-03-tls-h2.md.
 */
class TlsBenchSmokeTest {
  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss", "sse-h1", "sse-h1-tls", "sse-h2"})
  void everyModeCompletesRoundTrips(String mode) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    double[] result = TlsBench.run(mode, port, 3, 2, 1, 1);
    assertTrue(result[0] > 0, mode + ": no round trips");
    assertEquals(0, result[4], mode + ": sessions or POSTs failed");
  }
}
