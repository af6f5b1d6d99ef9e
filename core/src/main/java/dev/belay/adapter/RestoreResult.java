package dev.belay.adapter;

import java.util.Objects;

/**
 * The outcome of {@link Adapter#restoreSession}: a {@link Session}, or the reason there is none.
 *
 * <pre>{@code
 * RestoreResult result = store.restore(pid, offset);
 * if (result.restored()) resume(result.session()); else signalGap(result.failure());
 * }</pre>
 *
 * @param session the restored session, or null
 * @param failure why nothing was restored, or null
 */
public record RestoreResult(Session session, RecoveryFailure failure) {
  public RestoreResult {
    if ((session == null) == (failure == null)) throw new IllegalArgumentException("exactly one of session and failure");
  }

  public static RestoreResult restored(Session session) {
    return new RestoreResult(Objects.requireNonNull(session, "session"), null);
  }

  public static RestoreResult failed(RecoveryFailure failure) {
    return new RestoreResult(null, Objects.requireNonNull(failure, "failure"));
  }

  public boolean restored() {
    return session != null;
  }
}
