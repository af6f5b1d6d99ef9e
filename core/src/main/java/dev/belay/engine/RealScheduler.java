package dev.belay.engine;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The wall clock, one shared timer thread, and the shared worker pool for listener lanes. */
final class RealScheduler implements EngineScheduler {
  static final RealScheduler INSTANCE = new RealScheduler();

  /** One daemon timer thread for every server in the JVM; timer tasks only hop to a lane. */
  private final ScheduledThreadPoolExecutor timers;

  private RealScheduler() {
    timers = new ScheduledThreadPoolExecutor(1, daemonThreads("belay-timer"));
    timers.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    var future = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /**
   * The shared pool that runs listeners. Sized for handlers that block now and then: a slow
   * handler holds one thread, never a session's heartbeat (timers and I/O do not run here).
   */
  static Executor workers() {
    return Workers.POOL;
  }

  private static final class Workers {
    static final ExecutorService POOL = newPool();

    private static ExecutorService newPool() {
      int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
      ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), daemonThreads("belay-worker"));
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
