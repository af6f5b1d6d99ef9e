package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The flood guard on a fake clock: so many lines per window, the rest counted and reported. */
class RateLimitedLogTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CapturedLog captured = new CapturedLog("test.flood." + System.nanoTime());

  private RateLimitedLog log(int lines, long windowMillis) {
    return new RateLimitedLog(captured.logger(), System.Logger.Level.INFO, lines, windowMillis, now::get);
  }

  @Test
  void aFloodGivesTheWindowsLinesAndTheNextLineCountsWhatWasLeftOut() {
    try (captured) {
      RateLimitedLog log = log(10, 10_000);
      for (int i = 0; i < 1_000; i++) {
        int n = i;
        log.log(() -> "refused " + n);
      }
      assertEquals(10, captured.lines().size());
      assertEquals("refused 0", captured.lines().get(0));
      assertEquals("refused 9", captured.lines().get(9));

      now.addAndGet(9_999);
      log.log(() -> "still the same window");
      assertEquals(10, captured.lines().size(), "the window is not over");

      now.addAndGet(1);
      log.log(() -> "next window");
      assertEquals(11, captured.lines().size());
      assertEquals("next window (991 more like this not logged: at most 10 lines per 10.0 s)", captured.lines().get(10));
      log.log(() -> "then plain");
      assertEquals("then plain", captured.lines().get(11));
    }
  }

  @Test
  void aLineLeftOutIsNeverBuilt() {
    try (captured) {
      RateLimitedLog log = log(1, 1_000);
      AtomicInteger built = new AtomicInteger();
      for (int i = 0; i < 100; i++) log.log(() -> "line " + built.incrementAndGet());
      assertEquals(1, built.get());
    }
  }

  @Test
  void nothingIsBuiltWhenTheLevelIsOff() {
    try (captured) {
      captured.level(java.util.logging.Level.WARNING);
      RateLimitedLog log = log(10, 1_000);
      AtomicInteger built = new AtomicInteger();
      log.log(() -> "info " + built.incrementAndGet());
      assertEquals(0, built.get());
      assertTrue(captured.lines().isEmpty());
    }
  }

  @Test
  void aWindowMustAllowALine() {
    assertThrows(IllegalArgumentException.class, () -> log(0, 1_000));
    assertThrows(IllegalArgumentException.class, () -> log(1, 0));
  }

  @Test
  void concurrentFloodsLogExactlyTheBudget() throws Exception {
    try (captured) {
      RateLimitedLog log = log(10, 60_000);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread = new Thread(() -> {
          for (int i = 0; i < 10_000; i++) log.log(() -> "x");
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) thread.join();
      assertEquals(10, captured.lines().size());
      now.addAndGet(60_000);
      log.log(() -> "after");
      assertTrue(captured.lines().get(10).startsWith("after (39990 more"), captured.lines().get(10));
    }
  }
}
