package dev.belay;

/**
 * A node's state for a load balancer's health check, from {@link Server#health()}.
 *
 * <pre>{@code
 * Health h = server.health();
 * exchange.setStatusCode(h.serving() ? 200 : 503);
 * exchange.getResponseSender().send(h.toJson());
 * }</pre>
 *
 * @param sessions open Engine.IO sessions on this node
 * @param draining whether {@link Server#drain} was called: handshakes are refused
 * @param adapterConnected whether the adapter reaches its cluster (always true for one node)
 */
public record Health(int sessions, boolean draining, boolean adapterConnected) {
  /** Whether this node takes new clients: it is not draining. */
  public boolean serving() {
    return !draining;
  }

  /** {@code {"status":"UP"|"DRAINING","sessions":N,"draining":b,"adapterConnected":b}}. */
  public String toJson() {
    return "{\"status\":\"" + (draining ? "DRAINING" : "UP") + "\",\"sessions\":" + sessions
        + ",\"draining\":" + draining + ",\"adapterConnected\":" + adapterConnected + "}";
  }
}
