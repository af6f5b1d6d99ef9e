package dev.belay;

import dev.belay.engine.Cancellable;
import dev.belay.engine.EngineScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when the test says so. */
public final class FakeScheduler implements EngineScheduler {
  private long now;
  private final List<Task> tasks = new ArrayList<>();

  private static final class Task {
    final long due;
    final Runnable runnable;
    boolean cancelled;

    Task(long due, Runnable runnable) {
      this.due = due;
      this.runnable = runnable;
    }
  }

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(now + delay.toMillis(), task);
    tasks.add(t);
    return () -> {
      synchronized (FakeScheduler.this) {
        t.cancelled = true;
      }
    };
  }

  /** Moves the clock and runs every task that falls due, in order. */
  public void advance(Duration by) {
    long target;
    synchronized (this) {
      target = now + by.toMillis();
    }
    while (true) {
      Task next = null;
      synchronized (this) {
        for (Task t : tasks) if (!t.cancelled && t.due <= target && (next == null || t.due < next.due)) next = t;
        if (next == null) {
          now = target;
          return;
        }
        tasks.remove(next);
        now = next.due;
      }
      next.runnable.run();
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    int n = 0;
    for (Task t : tasks) if (!t.cancelled) n++;
    return n;
  }
}
