package dev.belay.engine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One kind of log line that a flood must not multiply: at most {@code linesPerWindow} lines per
 * window go to the logger; the rest are counted, and the next line logged after the window says
 * how many were left out. A thousand bad clients a second give a handful of lines, and the
 * metrics (not the log) carry the totals. Logs through {@link System.Logger}, the one facade the
 * library uses (backed by {@code java.util.logging} unless the application installs a bridge, for
 * example SLF4J's {@code slf4j-jdk-platform-logging}).
 *
 * <pre>{@code
 * RateLimitedLog refused = new RateLimitedLog(System.getLogger("dev.belay.engine.EngineServer"),
 *     Level.INFO, 10, 10_000, System::currentTimeMillis);
 * refused.log(() -> "refused a handshake from " + address + ": " + error);
 * }</pre>
 *
 * <p>Thread-safe and lock-free; the counts are exact, the window edges approximate under races
 * (a line may land in the neighbouring window). Costs a level check when the level is off.
 */
final class RateLimitedLog {
  private final Logger logger;
  private final Level level;
  private final int linesPerWindow;
  private final long windowMillis;
  private final LongSupplier clock;
  /** Start of the current window, in the clock's milliseconds. Any thread, CAS to move it. */
  private final AtomicLong windowStart;
  /** Lines asked for in the current window (logged or not). Any thread. */
  private final AtomicInteger asked = new AtomicInteger();
  /** Lines left out since the last line logged. Any thread. */
  private final AtomicLong leftOut = new AtomicLong();

  RateLimitedLog(Logger logger, Level level, int linesPerWindow, long windowMillis, LongSupplier clock) {
    if (linesPerWindow < 1 || windowMillis < 1) throw new IllegalArgumentException("a window must allow a line");
    this.logger = logger;
    this.level = level;
    this.linesPerWindow = linesPerWindow;
    this.windowMillis = windowMillis;
    this.clock = clock;
    this.windowStart = new AtomicLong(clock.getAsLong());
  }

  /** Ten lines per ten seconds on the server's clock, the library's default for floods. */
  static RateLimitedLog perTenSeconds(Class<?> owner, Level level, EngineScheduler clock) {
    return new RateLimitedLog(System.getLogger(owner.getName()), level, 10, 10_000, clock::nowMillis);
  }

  /** Logs {@code message} unless this window's lines are spent; the message is built only if logged. */
  void log(Supplier<String> message) {
    log(message, null);
  }

  /** As {@link #log(Supplier)}, with the throwable's stack trace. */
  void log(Supplier<String> message, Throwable error) {
    if (!logger.isLoggable(level)) return;
    long now = clock.getAsLong();
    long start = windowStart.get();
    if (now - start >= windowMillis && windowStart.compareAndSet(start, now)) asked.set(0);
    if (asked.incrementAndGet() > linesPerWindow) {
      leftOut.incrementAndGet();
      return;
    }
    long skipped = leftOut.getAndSet(0);
    String line = skipped == 0 ? message.get()
        : message.get() + " (" + skipped + " more like this not logged: at most " + linesPerWindow
            + " lines per " + windowMillis / 1000.0 + " s)";
    if (error == null) logger.log(level, line);
    else logger.log(level, line, error);
  }
}
