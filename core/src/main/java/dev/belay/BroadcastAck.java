package dev.belay;

import dev.belay.adapter.AckRecipients;
import dev.belay.adapter.LocalSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Collects the acknowledgements of one broadcast: completes with every recipient's answer (its
 * first argument) once all have answered, or fails with {@link AckTimeoutException} at the
 * timeout and drops the recipients' pending entries. A recipient that disconnects first is no
 * longer waited for.
 *
 * <p>Threading: answers arrive on the recipients' lanes, the timeout on a worker; every field is
 * guarded by {@code this}, and the future is completed outside the lock.
 */
final class BroadcastAck {
  private final CompletableFuture<List<Object>> future = new CompletableFuture<>();
  // Guarded by this.
  private final List<Object> responses = new ArrayList<>();
  private final List<Reached> reached = new ArrayList<>();
  private int expected;
  private int answered;
  private int targetsToReport;

  private record Reached(LocalSocket socket, long ackId) {}

  BroadcastAck(int targets) {
    this.targetsToReport = targets;
  }

  CompletableFuture<List<Object>> future() {
    return future;
  }

  /** The recipients callback for one target namespace, whose packet carries {@code ackId}. */
  AckRecipients recipients(long ackId) {
    return (local, remote) -> {
      synchronized (this) {
        for (LocalSocket socket : local) reached.add(new Reached(socket, ackId));
        expected += local.size() + remote;
        targetsToReport--;
      }
      completeIfDone();
    };
  }

  /** One recipient answered, or (with {@code error}) will never answer. */
  void onAck(Throwable error, List<Object> args) {
    synchronized (this) {
      if (error != null) {
        expected--;
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
      if (targetsToReport > 0 || answered < expected) return;
      result = Collections.unmodifiableList(new ArrayList<>(responses));
    }
    future.complete(result);
  }

  /** The timeout passed: fail, and stop waiting in every recipient. */
  void timeOut(long timeoutMillis) {
    List<Reached> waiting;
    int got;
    int wanted;
    synchronized (this) {
      waiting = new ArrayList<>(reached);
      got = answered;
      wanted = expected;
    }
    if (future.completeExceptionally(new AckTimeoutException(
        got + " of " + wanted + " clients acknowledged within " + timeoutMillis + " ms"))) {
      for (Reached r : waiting) r.socket().forgetAck(r.ackId());
    }
  }
}
