package dev.belay.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines one logger printed, captured through {@code java.util.logging} (the default backend
 * of {@link System.Logger}); removes its handler and restores the level when closed.
 *
 * <pre>{@code
 * try (CapturedLog log = new CapturedLog("dev.belay.engine.EngineServer")) {
 *   ...
 *   assertEquals(1, log.lines().size());
 * }
 * }</pre>
 */
final class CapturedLog implements AutoCloseable {
  private final Logger logger;
  private final Level levelBefore;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override public void publish(LogRecord record) {
      if (logger.isLoggable(record.getLevel())) lines.add(record.getMessage());
    }
    @Override public void flush() {}
    @Override public void close() {}
  };

  CapturedLog(String name) {
    this.logger = Logger.getLogger(name);
    this.levelBefore = logger.getLevel();
    logger.addHandler(handler);
  }

  System.Logger logger() {
    return System.getLogger(logger.getName());
  }

  void level(Level level) {
    logger.setLevel(level);
  }

  List<String> lines() {
    return lines;
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(levelBefore);
  }
}
