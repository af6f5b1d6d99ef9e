package dev.belay.examples;

import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import java.time.Duration;
import java.util.List;

/**
 * The engine-only fixture at {@code /engine.io/} that the official engine.io-protocol test suite
 * expects: ping 300/200 ms, maxPayload 1 MB, CORS for any origin, every message echoed back
 * unchanged (text as text, binary as binary). It accepts SSE too, but advertises only
 * {@code ["websocket"]}, as the suite expects exactly that.
 *
 * <pre>{@code
 * EngineServer engine = EngineConformance.create();
 * }</pre>
 */
public final class EngineConformance {
  private EngineConformance() {}

  /**
   * The engine settings both official suites expect, at {@code path}: ping 300/200 ms, maxPayload
   * 1 MB, CORS for any origin, and {@code ["websocket"]} as the only upgrade advertised (SSE is
   * accepted but not offered).
   */
  static EngineOptions options(String path) {
    return optionsBuilder(path).build();
  }

  /** {@link #options}, still open to change (a test's own pong deadline). */
  static EngineOptions.Builder optionsBuilder(String path) {
    return EngineOptions.builder()
        .path(path)
        .pingInterval(Duration.ofMillis(300))
        .pingTimeout(Duration.ofMillis(200))
        .maxPayload(1_000_000)
        .cors(Cors.anyOrigin())
        .upgradePolicy((request, current, offered) ->
            offered.contains("websocket") ? List.of("websocket") : List.of());
  }

  public static EngineServer create() {
    return create(options("/engine.io/"));
  }

  /** The fixture's echo on other engine settings (tests that cannot keep to 200 ms pong deadlines). */
  static EngineServer create(EngineOptions options) {
    EngineServer engine = new EngineServer(options);
    engine.onConnection(socket -> socket.onMessage(data -> {
      if (data instanceof String text) socket.send(text);
      else socket.send((byte[]) data);
    }));
    return engine;
  }
}
