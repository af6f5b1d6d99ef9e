package dev.belay.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, without a thread of its own. With a runner, the
 * drain runs on it (the listener lane, on workers); without one, the submitting thread drains
 * when the lane is idle (the engine lane: its tasks are short and never block, so running them
 * where they arrive saves a thread hop per packet) unless the lane has a {@linkplain #home home}
 * I/O thread and the submitter is another thread: then the drain goes to that I/O thread. A task submitted from inside a task runs after
 * it, never nested, so a task never sees state half-changed by itself.
 */
final class SerialLane implements Executor {
  private static final Logger LOG = Logger.getLogger(SerialLane.class.getName());

  /** Runs the drain loop, or null to drain on the submitting thread. Final. */
  private final Executor runner;
  /** Tasks not yet run. Lock-free; any thread adds, only the draining thread polls. */
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** Tasks submitted and not finished; the thread that moves it from 0 to 1 starts the drain. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Inline lanes running application code: warn when one task holds the thread this long (0: never). Final. */
  private final long warnAfterNanos;

  SerialLane(Executor runner) {
    this(runner, 0);
  }

  SerialLane(Executor runner, long warnAfterNanos) {
    this.runner = runner;
    this.warnAfterNanos = warnAfterNanos;
  }

  /**
   * For a lane without a runner: the I/O thread of the session's connection, or null. A task
   * submitted on another thread while the lane is idle is drained there instead of inline, so
   * that writes happen on the thread that owns the connection (Undertow would otherwise hand each
   * write over to it, one wake-up per write). Set on the lane when the transport changes; volatile
   * because any thread submits.
   */
  private volatile IoThread home;

  void home(IoThread home) {
    this.home = home;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (pending.getAndIncrement() == 0) {
      IoThread h;
      if (runner != null) {
        runner.execute(this::drain);
      } else if ((h = home) != null && !h.isCurrent()) {
        h.execute(this::drain);
      } else {
        drain();
      }
    }
  }

  private void warnIfSlow(long start) {
    long took = System.nanoTime() - start;
    if (took > warnAfterNanos) {
      LOG.log(Level.WARNING, () -> "a listener held thread " + Thread.currentThread().getName() + " for "
          + took / 1_000_000 + " ms; with listenersOnIoThread every connection on that thread waited, heartbeats "
          + "included: move blocking work to an executor, or turn listenersOnIoThread off");
    }
  }

  private void drain() {
    do {
      Runnable task = queue.poll();
      long start = warnAfterNanos > 0 ? System.nanoTime() : 0;
      try {
        task.run();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "task failed on a session lane", t);
      }
      if (warnAfterNanos > 0) warnIfSlow(start);
    } while (pending.decrementAndGet() != 0);
  }
}
