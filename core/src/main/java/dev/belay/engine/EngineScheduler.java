package dev.belay.engine;

import java.time.Duration;

/**
 * Time and timers for the engine: heartbeats, connect and ack timeouts. Injectable so that tests
 * can use a fake clock ({@code FakeScheduler} in the tests) instead of waiting.
 *
 * <pre>{@code
 * Cancellable timer = scheduler.schedule(() -> session.close(), Duration.ofSeconds(5));
 * timer.cancel();
 * }</pre>
 *
 * <p>Tasks run on a scheduler thread; they must be short and must not block.
 */
public interface EngineScheduler {
  /** Monotonic milliseconds, for measuring intervals. */
  long nowMillis();

  /** Runs {@code task} once after {@code delay}. */
  Cancellable schedule(Runnable task, Duration delay);
}
