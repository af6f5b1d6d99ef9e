/**
 * Test support shared by the modules' tests, depended on with test scope: bounded waits
 * ({@link dev.belay.testing.Await}), an engine on 127.0.0.1 port 0 that records what its sessions
 * do ({@link dev.belay.testing.TestEngine}), raw clients that speak HTTP, SSE, WebSocket and
 * Engine.IO by hand ({@link dev.belay.testing.RawHttp}, {@link dev.belay.testing.RawConnection},
 * {@link dev.belay.testing.RawWebSocket}, {@link dev.belay.testing.SseStream},
 * {@link dev.belay.testing.EngineClient}), runners for Node scripts and nginx, and the contract
 * suite every HTTP binding runs ({@link dev.belay.testing.HttpExchangeContract}).
 *
 * <pre>{@code
 * try (TestEngine server = TestEngine.start()) {
 *   String sid = RawHttp.openPolling(server);
 *   EngineSocket socket = server.nextConnection();
 * }
 * }</pre>
 *
 * <p>The kit depends on core only, never on a binding: a fixture listens through
 * {@code EngineServer.listen}, which finds the binding on the test class path. Core's own unit
 * tests cannot use the kit (it depends on core), so their fakes (clock, engine socket, exchange,
 * transport) live in core's test sources.
 */
package dev.belay.testing;
