package dev.belay.testing;

import dev.belay.engine.Cancellable;
import dev.belay.engine.EngineScheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock that moves only when the test says so; timers run in due order (ties in scheduling
 * order) on the thread that calls {@link #advance}.
 *
 * <pre>{@code
 * FakeScheduler clock = new FakeScheduler();
 * EngineOptions options = EngineOptions.builder().scheduler(clock).executor(Runnable::run).build();
 * clock.advance(Duration.ofSeconds(25)); // runs the ping timer
 * }</pre>
 */
public final class FakeScheduler implements EngineScheduler {
  private static final class Timer {
    final long due;
    final long seq;
    final Runnable task;
    // Guarded by the scheduler's monitor.
    boolean cancelled;

    Timer(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }
  }

  // Guarded by this; any thread.
  private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
      a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  // Guarded by this.
  private long now;
  // Guarded by this.
  private long seq;

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Timer timer = new Timer(now + delay.toMillis(), seq++, task);
    timers.add(timer);
    return () -> {
      synchronized (FakeScheduler.this) {
        timer.cancelled = true;
      }
    };
  }

  /** Moves the clock forward, running every timer that falls due on the way, outside the lock. */
  public void advance(Duration by) {
    long target;
    synchronized (this) {
      target = now + by.toMillis();
    }
    while (true) {
      Timer next;
      synchronized (this) {
        next = timers.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        timers.poll();
        now = next.due;
        if (next.cancelled) continue;
      }
      next.task.run();
    }
  }

  public void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  /** Timers scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    int n = 0;
    for (Timer t : timers) if (!t.cancelled) n++;
    return n;
  }
}
