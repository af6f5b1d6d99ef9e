package dev.belay;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool that timer callbacks (ack and connect timeouts) hop to, so that they never run
 * user code on the scheduler's thread. Cached: an idle thread dies after a minute.
 */
final class Workers {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "belay-sio-worker-" + COUNT.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });

  private Workers() {}

  static ExecutorService shared() {
    return POOL;
  }
}
