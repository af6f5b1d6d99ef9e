/**
 * Rooms, broadcast delivery and everything that spans servers, behind an SPI shaped after
 * socket.io-adapter: {@link dev.belay.adapter.Adapter}; the single-server
 * {@link dev.belay.adapter.InMemoryAdapter} (session-aware when connection state recovery is on,
 * with its bounded {@link dev.belay.adapter.SessionStore}); and the
 * {@link dev.belay.adapter.ClusterAdapter} template, whose transport publishes
 * {@link dev.belay.adapter.ClusterMessage}s and {@link dev.belay.adapter.ClusterResponse}s.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().adapter(InMemoryAdapter::new).build();
 * }</pre>
 */
package dev.belay.adapter;
