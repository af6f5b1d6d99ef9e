package dev.belay.transport;

import dev.belay.binding.IoThread;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.XnioIoThread;

/**
 * An XNIO I/O thread as an {@link IoThread}, shared by every WebSocket it serves. Tasks from other
 * threads are gathered and handed to the I/O thread as one batch: a broadcast from a worker to
 * thousands of sessions wakes each I/O thread once, and each session's frame is then written on
 * the thread that owns its connection.
 */
final class UndertowIoThread implements IoThread {
  private static final System.Logger LOG = System.getLogger(UndertowIoThread.class.getName());
  /** At most this many tasks per batch, so the thread gets back to its network events in between. */
  private static final int BATCH = 4096;
  /** One per I/O thread, created on that thread; dies with it. */
  private static final ThreadLocal<UndertowIoThread> OWN = new ThreadLocal<>();

  private final XnioIoThread thread;
  /** Tasks waiting for the I/O thread. Lock-free; any thread adds, the I/O thread polls. */
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** A batch is queued on the thread and has not started yet; whoever sets it queues the batch. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** The run method, allocated once. Final. */
  private final Runnable runBatch = this::runBatch;

  private UndertowIoThread(XnioIoThread thread) {
    this.thread = thread;
  }

  /** The shared instance for {@code thread}, when called on it (as connection callbacks are); else a new one. */
  static UndertowIoThread of(XnioIoThread thread) {
    if (Thread.currentThread() != thread) return new UndertowIoThread(thread);
    UndertowIoThread own = OWN.get();
    if (own == null || own.thread != thread) {
      own = new UndertowIoThread(thread);
      OWN.set(own);
    }
    return own;
  }

  @Override
  public boolean isCurrent() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) schedule();
  }

  private void schedule() {
    try {
      thread.execute(runBatch);
    } catch (RejectedExecutionException stopped) {
      // The server is stopping and its I/O threads are gone: run what is left here (it only
      // closes sessions; writes to a closed channel fail fast).
      runBatch();
    }
  }

  private void runBatch() {
    scheduled.set(false);
    for (int i = 0; i < BATCH; i++) {
      Runnable task = tasks.poll();
      if (task == null) return;
      try {
        task.run();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "task failed on an I/O thread", t);
      }
    }
    if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) schedule();
  }
}
