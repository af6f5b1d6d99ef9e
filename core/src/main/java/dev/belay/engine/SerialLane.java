package dev.belay.engine;

import dev.belay.binding.IoThread;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in order, without a thread of its own: the one lane type of a
 * session. Each session has two: the engine lane (every state change; short tasks that never
 * block) and the listener lane (application listeners, and the Socket.IO layer above them, which
 * submits its own work through {@link EngineSocket#execute}).
 *
 * <pre>{@code
 * SerialLane lane = new SerialLane(workers);        // drains on a worker
 * lane.execute(() -> handle(first));
 * lane.execute(() -> handle(second));              // runs after first, never at the same time
 * }</pre>
 *
 * <p>The rules:
 * <ul>
 *   <li><b>Ordering.</b> Tasks run in the order they were added to the queue: tasks submitted by
 *       one thread keep their order; tasks from different threads are ordered by when each was
 *       added. Each task happens-before the next, so state confined to the lane needs no lock.
 *   <li><b>Re-entry.</b> A task submitted from inside a task runs after it (and after everything
 *       queued before it), never nested: no task sees state half-changed by another. Code that is
 *       already running on the lane and must take effect at once calls its work directly instead
 *       of submitting it (see {@code Client#runOnLane}).
 *   <li><b>Which thread drains.</b> The thread that finds the lane idle starts the drain: with a
 *       runner (the listener lane on workers) the drain is handed to the runner; without one it
 *       runs inline on the submitting thread, unless the lane has a {@linkplain #home home} I/O
 *       thread and the submitter is another thread: then it is handed to that I/O thread. While a
 *       drain runs, other submitters only enqueue and return.
 *   <li><b>Fairness.</b> A drain on a shared home I/O thread runs at most {@value #FAIR_SHARE}
 *       tasks, then requeues itself behind the other connections of that thread.
 *   <li><b>Failures and slow tasks.</b> A task that throws is logged and the lane goes on. A lane
 *       built with a slow-task log (the listener lanes) logs, rate limited, a task that held its
 *       thread longer than {@link #SLOW_TASK_NANOS}.
 * </ul>
 */
final class SerialLane implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialLane.class.getName());

  /** A task holding an I/O thread longer than this is logged (inline lanes that run application code). */
  static final long SLOW_TASK_NANOS = 100_000_000L;
  /** Tasks one drain runs on a shared I/O thread before it lets the other connections go first. */
  static final int FAIR_SHARE = 256;

  /** Runs the drain loop, or null to drain on the submitting thread. Final. */
  private final Executor runner;
  /** Tasks not yet run. Lock-free; any thread adds, only the draining thread polls. */
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** Tasks submitted and not finished; the thread that moves it from 0 to 1 starts the drain. */
  private final AtomicInteger pending = new AtomicInteger();
  /** Where tasks slower than {@link #SLOW_TASK_NANOS} are logged, or null not to time tasks. Final. */
  private final RateLimitedLog slowTasks;
  /** Whether to time tasks; final (a field, not a null check on the hot path). */
  private final boolean warnIfSlow;

  SerialLane(Executor runner) {
    this(runner, null);
  }

  SerialLane(Executor runner, RateLimitedLog slowTasks) {
    this.runner = runner;
    this.slowTasks = slowTasks;
    this.warnIfSlow = slowTasks != null;
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
      String thread = Thread.currentThread().getName();
      slowTasks.log(() -> runner == null
          ? "a listener held thread " + thread + " for " + took / 1_000_000 + " ms; with listenersOnIoThread every"
              + " connection on that thread waited, heartbeats included: move blocking work to an executor, or turn"
              + " listenersOnIoThread off"
          : "a listener held worker thread " + thread + " for " + took / 1_000_000 + " ms; its session's other"
              + " events waited, and a pool full of such listeners delays every session's: move blocking work"
              + " to an executor of its own");
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
        LOG.log(System.Logger.Level.WARNING, "task failed on a session lane", t);
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
}
