package dev.belay.engine;

import java.time.Duration;
import java.util.PriorityQueue;

/** A clock that moves only when told; timers run in due order on the calling thread. */
final class FakeScheduler implements EngineScheduler {
  private record Timer(long due, long seq, Runnable task, boolean[] cancelled) {}

  private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
      a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    boolean[] cancelled = {false};
    timers.add(new Timer(now + delay.toMillis(), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves the clock forward, running every timer that falls due on the way. */
  void advance(Duration by) {
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
      }
      if (!next.cancelled[0]) next.task.run();
    }
  }

  void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }
}
