package dev.belay.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the sessions of the other nodes of a cluster live, for serving a cluster without sticky
 * sessions: a request for a session another node minted is handed to that node. A node's sids
 * carry its tag ({@link SessionIds}), so the owner of a session is its tag's address, found here.
 *
 * <p>Installed by a cluster adapter through {@link EngineServer#sessionOwners}; the HTTP binding
 * consults it on every request for a session this node does not hold. Every method may be called
 * on an I/O thread and must not block.
 *
 * <pre>{@code
 * engine.sessionOwners(new SessionOwners() {
 *   public String localTag() { return "q2Zb"; }
 *   public String addressOf(String tag) { return peers.get(tag); }   // "10.0.0.7:3000" or null
 * });
 * }</pre>
 */
public interface SessionOwners {
  /** This node's tag: the sids minted here carry it. */
  String localTag();

  /** The {@code host:port} of the live node whose tag is {@code tag}, or null if none is known now. */
  String addressOf(String tag);

  /**
   * Asks the source (not a local copy) for {@code tag}'s address after {@link #addressOf} found
   * none: completes with the address, or null when no live node has that tag.
   */
  default CompletionStage<String> lookup(String tag) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The binding says at which {@code host:port} this node was reached (the local address of a
   * request): the address to advertise when none was configured. Called often; must be cheap.
   */
  default void reachedAt(String hostPort) {}

  /**
   * Completes once the other nodes can find this node (its address is in the shared directory),
   * or once waiting longer would refuse service (the directory is unreachable). The binding holds
   * handshakes until then, so a sid minted here never reaches a client whose next request, landing
   * on another node, would find no owner for it.
   */
  default CompletionStage<Void> advertised() {
    return CompletableFuture.completedFuture(null);
  }
}
