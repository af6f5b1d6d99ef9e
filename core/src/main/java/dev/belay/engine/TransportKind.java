package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import java.util.ArrayList;
import java.util.List;

/**
 * One transport as the server knows it: its name, whether its requests are WebSocket upgrades, how
 * it opens a session and how it serves the requests of an existing one. {@link #ALL} lists them
 * in order of preference (a session upgrades only towards the front); the names
 * {@link EngineOptions} accepts, the upgrades offered and the routing all derive from that list, so
 * a new transport is its {@link Transport} class, its kind, and one entry here.
 *
 * <pre>{@code
 * TransportKind kind = TransportKind.named(request.query("transport"));   // null: unknown
 * if (sid == null) kind.handshake(server, exchange, upgrades); else kind.route(server, exchange, session);
 * }</pre>
 *
 * <p>Threading: stateless; called on the thread that hands the engine a request.
 */
interface TransportKind {
  /** Every transport, most preferred first. */
  List<TransportKind> ALL = List.of(WebSocketTransport.KIND, SseTransport.KIND, PollingTransport.KIND);

  /** The wire name, as in {@code transport=...}. */
  String name();

  /** Whether its requests arrive as WebSocket upgrades (and only those). */
  default boolean overWebSocket() {
    return false;
  }

  /**
   * Opens a session on this transport for a handshake request that passed every check; the
   * session is offered {@code upgrades} in its open packet.
   */
  void handshake(EngineServer server, HttpExchange exchange, List<String> upgrades);

  /** Serves a request of this transport for the existing {@code session}: a poll, a POST, an upgrade. */
  void route(EngineServer server, HttpExchange exchange, EngineSession session);

  /** The kind called {@code name}, or null. */
  static TransportKind named(String name) {
    for (TransportKind kind : ALL) if (kind.name().equals(name)) return kind;
    return null;
  }

  /** Every name, most preferred first. */
  static List<String> names() {
    List<String> names = new ArrayList<>(ALL.size());
    for (TransportKind kind : ALL) names.add(kind.name());
    return List.copyOf(names);
  }

  /** The place of {@code name} in the order of preference (0 is best), or -1. */
  static int rank(String name) {
    for (int i = 0; i < ALL.size(); i++) if (ALL.get(i).name().equals(name)) return i;
    return -1;
  }
}
