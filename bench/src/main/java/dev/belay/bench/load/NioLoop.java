package dev.belay.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread that owns a share of the generator's connections. Every callback of a
 * {@link Conn} runs on its loop's thread, so per-client state needs no locks; other threads
 * talk to a loop only through {@link #execute}. A few loops hold 10,000+ connections: the
 * generator has no thread per connection, since on 2 shared cores that would measure the
 * generator's scheduler instead of the server.
 */
public final class NioLoop implements Runnable {
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Timers, touched only by the loop thread. */
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  /** Latencies recorded by this loop's clients; merged by the scenario once the loop is quiet. */
  final Recorder recorder = new Recorder();
  private volatile boolean stopped;
  private long timerSeq;

  private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  public NioLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  Selector selector() {
    return selector;
  }

  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop thread, from any thread. */
  public void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Runs {@code task} after {@code delayNanos}; loop thread only. */
  public void schedule(long delayNanos, Runnable task) {
    timers.add(new Timer(System.nanoTime() + delayNanos, timerSeq++, task));
  }

  public void stop() {
    stopped = true;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        long timeoutMs = 0;
        Timer next = timers.peek();
        if (next != null) {
          timeoutMs = Math.max(1, (next.due - System.nanoTime()) / 1_000_000);
        }
        if (tasks.isEmpty()) {
          selector.select(timeoutMs);
        } else {
          selector.selectNow();
        }
        var keys = selector.selectedKeys();
        for (SelectionKey key : keys) {
          ((Conn) key.attachment()).ready(key);
        }
        keys.clear();
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        long now = System.nanoTime();
        while ((next = timers.peek()) != null && next.due <= now) {
          timers.poll().task.run();
        }
      } catch (IOException | RuntimeException e) {
        // A failure of one client must not stop the others: report it and go on.
        System.err.println("loop " + thread.getName() + ": " + e);
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing at exit: nothing to do
    }
  }
}
