package dev.belay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Collects the acknowledgements of one broadcast across every node: each node reports once how
 * many of its clients got the packet ({@link #clientCount}), each client's answer comes in
 * ({@link #onAck}), and each target namespace's adapter says how many nodes there are
 * ({@link #serverCount}). It completes with every answer (the first argument of each, in arrival
 * order) once every node has reported and the answers match the counts, or fails with
 * {@link AckTimeoutException} at the timeout. A client of this node that disconnects first is no
 * longer waited for; one of another node is waited for until the timeout.
 *
 * <p>Threading: counts, answers and server counts arrive on any thread (lanes, a transport's
 * reader, a worker); every field is guarded by {@code this}, and the future is completed outside
 * the lock.
 */
final class BroadcastAck {
  private final CompletableFuture<List<Object>> future = new CompletableFuture<>();
  // Guarded by this.
  private final List<Object> responses = new ArrayList<>();
  private int expectedClients;
  private int answered;
  private int reportedNodes;
  private int expectedNodes;
  // Target namespaces whose server count is not in yet.
  private int serverCountsToCome;

  /** @param targets the number of target namespaces (adapters) the broadcast goes through */
  BroadcastAck(int targets) {
    this.serverCountsToCome = targets;
  }

  CompletableFuture<List<Object>> future() {
    return future;
  }

  /** One node delivered the packet to {@code count} clients. */
  void clientCount(int count) {
    synchronized (this) {
      expectedClients += count;
      reportedNodes++;
    }
    completeIfDone();
  }

  /** One target namespace's adapter spans {@code servers} nodes. */
  void serverCount(int servers) {
    synchronized (this) {
      expectedNodes += servers;
      serverCountsToCome--;
    }
    completeIfDone();
  }

  /** One client answered, or (with {@code error}) will never answer. */
  void onAck(Throwable error, List<Object> args) {
    synchronized (this) {
      if (error != null) {
        expectedClients--;
      } else {
        responses.add(args.isEmpty() ? null : args.get(0));
        answered++;
      }
    }
    completeIfDone();
  }

  void completeIfDone() {
    List<Object> result;
    synchronized (this) {
      if (serverCountsToCome > 0 || reportedNodes < expectedNodes || answered < expectedClients) return;
      result = Collections.unmodifiableList(new ArrayList<>(responses));
    }
    future.complete(result);
  }

  /** The timeout passed: fail (the adapters drop their pending entries at the same timeout). */
  void timeOut(long timeoutMillis) {
    int got;
    int wanted;
    int nodes;
    int reported;
    synchronized (this) {
      got = answered;
      wanted = expectedClients;
      nodes = expectedNodes;
      reported = reportedNodes;
    }
    String servers = reported < nodes ? " (" + reported + " of " + nodes + " servers reported)" : "";
    future.completeExceptionally(new AckTimeoutException(
        got + " of " + wanted + " clients acknowledged within " + timeoutMillis + " ms" + servers));
  }
}
