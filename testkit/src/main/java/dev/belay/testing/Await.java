package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for tests: every wait has a deadline and a message saying what did not happen.
 * The deadlines are generous because tests share two cores with builds: a wait only takes this
 * long when something is wrong. Each wait takes an explicit timeout, or {@link #TIMEOUT} by
 * default; browser tests use {@link #BROWSER_TIMEOUT}.
 *
 * <pre>{@code
 * EngineSocket socket = Await.take(connections, "a session to connect");
 * Await.latch(closed, Await.BROWSER_TIMEOUT, "the page to disconnect");
 * }</pre>
 */
public final class Await {
  /** The default deadline, in seconds, for anything on 127.0.0.1 without a browser. */
  public static final long SECONDS = 10;
  /** The default deadline for anything on 127.0.0.1 without a browser. */
  public static final Duration TIMEOUT = Duration.ofSeconds(SECONDS);
  /** The deadline, in seconds, for a step driven through a browser (page loads, script calls). */
  public static final long BROWSER_SECONDS = 30;
  /** The deadline for a step driven through a browser (page loads, script calls). */
  public static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(BROWSER_SECONDS);

  private Await() {}

  public static <T> T take(BlockingQueue<T> queue, String what) {
    return take(queue, TIMEOUT, what);
  }

  public static <T> T take(BlockingQueue<T> queue, Duration timeout, String what) {
    try {
      T value = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (value == null) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static <T> T get(CompletableFuture<T> future, String what) {
    return get(future, TIMEOUT, what);
  }

  public static <T> T get(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code condition} holds, checking it every millisecond, for state that offers no
   * event to wait on (such as a poll being held by the server).
   */
  public static void until(BooleanSupplier condition, String what) {
    until(condition, TIMEOUT, what);
  }

  public static void until(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  public static void latch(CountDownLatch latch, String what) {
    latch(latch, TIMEOUT, what);
  }

  public static void latch(CountDownLatch latch, Duration timeout, String what) {
    try {
      if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
