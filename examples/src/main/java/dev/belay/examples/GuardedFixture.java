package dev.belay.examples;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;

/**
 * The hardened fixture at {@code /guarded/}, served by {@code conformance} next to the protocol
 * fixtures: Belay's defaults (heartbeat 25 s / 20 s, maxPayload 1,000,000, all three transports,
 * every bound and timeout) with origins limited to {@code http://good.example} the way the README
 * says ({@code Cors.allowOrigins}); on namespace {@code /}, {@code message} is echoed back as
 * {@code message-back} with the same arguments.
 *
 * <pre>{@code
 * Server guarded = GuardedFixture.create();
 * BelayUndertow.builder(guarded).setHandler(new BelayHandler(guarded, next));
 * }</pre>
 */
public final class GuardedFixture {
  /** The one origin whose pages may use the fixture. */
  public static final String ALLOWED_ORIGIN = "http://good.example";

  private GuardedFixture() {}

  public static Server create() {
    Server server = new Server(ServerOptions.builder()
        .engine(EngineOptions.builder()
            .path("/guarded/")
            .maxPayload(1_000_000)
            .cors(Cors.allowOrigins(ALLOWED_ORIGIN))
            .build())
        .build());
    server.on("connection", socket ->
        socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray())));
    return server;
  }
}
