package dev.belay.engine;

import java.util.List;

/**
 * Narrows, per client, the transports offered in the handshake's {@code upgrades} list; for
 * example to keep a client known to sit behind a WebSocket-blocking proxy on SSE.
 *
 * <pre>{@code
 * options.upgradePolicy((request, current, offered) ->
 *     request.header("Via") != null ? List.of("sse") : offered);
 * }</pre>
 */
@FunctionalInterface
public interface UpgradePolicy {
  /**
   * @param request the handshake request
   * @param current the transport the session opened on
   * @param offered the allowed transports better than {@code current}, most preferred first
   * @return the list to advertise (a subset of {@code offered}; anything else is dropped)
   */
  List<String> upgrades(TransportRequest request, String current, List<String> offered);
}
