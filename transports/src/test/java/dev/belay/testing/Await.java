package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests: every wait has a deadline and a message saying what did not happen. */
public final class Await {
  /** Generous: tests share two cores with builds; a wait only takes this long when something is wrong. */
  public static final long SECONDS = 10;

  private Await() {}

  public static <T> T take(BlockingQueue<T> queue, String what) {
    try {
      T value = queue.poll(SECONDS, TimeUnit.SECONDS);
      if (value == null) fail("timed out waiting for " + what);
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static <T> T get(CompletableFuture<T> future, String what) {
    try {
      return future.get(SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for " + what);
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  public static void latch(CountDownLatch latch, String what) {
    try {
      if (!latch.await(SECONDS, TimeUnit.SECONDS)) fail("timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
