package dev.belay.engine;

import dev.belay.binding.IoThread;
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

  /** A task holding an I/O thread longer than this is logged (inline lanes that run application code). */
  static final long SLOW_TASK_NANOS = 100_000_000L;
  /** Whether to time tasks against {@link #SLOW_TASK_NANOS}. Final (a boolean: lanes are per session). */
  private final boolean warnIfSlow;

  SerialLane(Executor runner) {
    this(runner, false);
  }

  SerialLane(Executor runner, boolean warnIfSlow) {
    this.runner = runner;
    this.warnIfSlow = warnIfSlow;
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
    if (took > SLOW_TASK_NANOS) {
      LOG.log(Level.WARNING, () -> "a listener held thread " + Thread.currentThread().getName() + " for "
          + took / 1_000_000 + " ms; with listenersOnIoThread every connection on that thread waited, heartbeats "
          + "included: move blocking work to an executor, or turn listenersOnIoThread off");
    }
  }

  private void drain() {
    int ran = 0;
    do {
      Runnable task = queue.poll();
      long start = warnIfSlow ? System.nanoTime() : 0;
      try {
        task.run();
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "task failed on a session lane", t);
      }
      if (warnIfSlow) warnIfSlow(start);
      if (pending.decrementAndGet() == 0) return;
      IoThread h;
      if (++ran >= FAIR_SHARE && (h = home) != null && h.isCurrent()) {
        // Other connections share this I/O thread: a session that keeps receiving work from
        // elsewhere (a flood of broadcasts) goes to the back of the thread's queue.
        h.execute(this::drain);
        return;
      }
    } while (true);
  }

  /** Tasks one drain runs on a shared I/O thread before it lets the other connections go first. */
  private static final int FAIR_SHARE = 256;
}
