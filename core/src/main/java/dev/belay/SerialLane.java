package dev.belay;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the tasks of one client connection one at a time, in submission order, on whichever thread
 * submits while the lane is idle (normally the engine session's listener lane). A thread that
 * submits while another is draining returns at once; the drainer runs the task. So a timer or a
 * middleware that finishes on another thread joins the same order as the client's packets.
 */
final class SerialLane implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialLane.class.getName());

  // Tasks not yet run; lock-free, any thread.
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  // Tasks submitted and not yet finished; the thread that moves it from 0 to 1 drains.
  private final AtomicInteger pending = new AtomicInteger();
  // The thread running a task right now, or null; written by the drainer only.
  private volatile Thread drainer;

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (pending.getAndIncrement() != 0) return;
    Thread current = Thread.currentThread();
    do {
      Runnable next = queue.poll();
      drainer = current;
      try {
        next.run();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.ERROR, "task on a client lane failed", t);
      } finally {
        drainer = null;
      }
    } while (pending.decrementAndGet() != 0);
  }

  /** Runs {@code task} at once when called from the task being run (re-entrant), else queues it. */
  void runNowOrLater(Runnable task) {
    if (drainer == Thread.currentThread()) task.run();
    else execute(task);
  }
}
