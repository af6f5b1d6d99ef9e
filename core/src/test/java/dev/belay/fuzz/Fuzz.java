package dev.belay.fuzz;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A small property runner for fuzz tests: draws {@link #TRIES} inputs from a seeded generator and
 * checks a property on each. A failure names the property, the seed that replays it and the input,
 * escaped so that control characters and lone surrogates are visible (cut at 400 chars). Any throwable fails the
 * property (a {@code StackOverflowError} or {@code OutOfMemoryError} included), and so does one
 * input that takes longer than {@link #HANG_SECONDS}: a hang is reported with its input instead of
 * stalling the build.
 *
 * <pre>{@code
 * Fuzz.forAll("payload round trip", r -> Gen.packets(r), packets ->
 *     assertEquals(packets, EngineCodec.decodePayload(EngineCodec.encodePayload(packets))));
 * }</pre>
 *
 * <p>Tries per property: {@code -Dfuzz.tries=N} (default 10,000). Seed: a new one per run, printed
 * on failure; {@code -Dfuzz.seed=S} replays it.
 */
public final class Fuzz {
  /** Inputs per property. */
  public static final int TRIES = Integer.getInteger("fuzz.tries", 10_000);
  /** The longest one input may take; far above what any codec needs for the inputs drawn here. */
  public static final long HANG_SECONDS = 20;
  private static final long RUN_SEED = Long.getLong("fuzz.seed", new Random().nextLong());

  private Fuzz() {}

  /** A check that may throw anything; a throw fails the property. */
  @FunctionalInterface
  public interface Check<T> {
    void accept(T input) throws Exception;
  }

  /** Checks {@code property} on {@link #TRIES} inputs drawn by {@code generator}. */
  public static <T> void forAll(String property, Function<Random, T> generator, Check<T> check) {
    forAll(property, TRIES, generator, check);
  }

  /** As {@link #forAll(String, Function, Check)} with a given number of tries. */
  public static <T> void forAll(String property, int tries, Function<Random, T> generator, Check<T> check) {
    long seed = RUN_SEED ^ property.hashCode();
    Progress<T> progress = new Progress<>();
    ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz " + property);
      t.setDaemon(true); // a hung input must not keep the JVM alive
      return t;
    });
    try {
      Future<?> done = runner.submit(() -> {
        Random random = new Random(seed);
        for (int i = 0; i < tries; i++) {
          T input = generator.apply(random);
          progress.start(i, input);
          try {
            check.accept(input);
          } catch (Throwable t) {
            progress.failure = t;
            return;
          }
        }
        progress.start(tries, null);
      });
      watch(property, seed, done, progress);
    } finally {
      runner.shutdownNow();
    }
  }

  private static <T> void watch(String property, long seed, Future<?> done, Progress<T> progress) {
    while (true) {
      try {
        done.get(1, TimeUnit.SECONDS);
        break;
      } catch (TimeoutException e) {
        long running = System.nanoTime() - progress.startedNanos;
        if (progress.input != null && running > TimeUnit.SECONDS.toNanos(HANG_SECONDS)) {
          throw new AssertionError(describe(property, seed, progress) + " took over " + HANG_SECONDS + " s");
        }
      } catch (Exception e) {
        throw new AssertionError("fuzz runner of '" + property + "' failed", e);
      }
    }
    if (progress.failure != null) {
      throw new AssertionError(describe(property, seed, progress) + " failed: " + progress.failure, progress.failure);
    }
  }

  private static String describe(String property, long seed, Progress<?> progress) {
    return "property '" + property + "' (replay with -Dfuzz.seed=" + RUN_SEED + ", property seed " + seed
        + ") on try " + progress.index + ", input " + show(progress.input);
  }

  /** An input as Java-ish source: strings quoted with escapes, byte arrays as lists, cut at 400 chars. */
  public static String show(Object input) {
    StringBuilder out = new StringBuilder();
    append(out, input);
    return out.length() > 400 ? out.substring(0, 400) + "…(" + out.length() + " chars)" : out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value instanceof String s) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') out.append('\\').append(c);
        else if (c >= 0x20 && c < 0x7f) out.append(c);
        else out.append(String.format("\\u%04x", (int) c));
      }
      out.append('"');
    } else if (value instanceof byte[] bytes) {
      out.append("bytes").append(java.util.Arrays.toString(bytes));
    } else if (value instanceof Iterable<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) out.append(", ");
        first = false;
        append(out, item);
        if (out.length() > 4000) break;
      }
      out.append(']');
    } else if (value instanceof java.util.Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) out.append(", ");
        first = false;
        append(out, e.getKey());
        out.append('=');
        append(out, e.getValue());
        if (out.length() > 4000) break;
      }
      out.append('}');
    } else {
      out.append(value);
    }
  }

  /** What the runner thread is doing, read by the watching thread. */
  private static final class Progress<T> {
    volatile int index;
    volatile T input;
    volatile long startedNanos = System.nanoTime();
    volatile Throwable failure;

    void start(int index, T input) {
      this.index = index;
      this.input = input;
      this.startedNanos = System.nanoTime();
    }
  }
}
