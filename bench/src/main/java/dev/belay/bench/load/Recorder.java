package dev.belay.bench.load;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, kept whole in a growable array and sorted once at the end: a
 * sorted-array percentile is exact and costs nothing per sample beyond a store, so HdrHistogram
 * is not worth a dependency here. Past {@link #CAP} samples it keeps every other one, which
 * keeps the percentiles honest for runs far longer than the defaults.
 */
public final class Recorder {
  static final int CAP = 4_000_000;
  private long[] values = new long[1024];
  private int size;
  private int stride = 1;
  private long seen;

  public void record(long nanos) {
    if (seen++ % stride != 0) {
      return;
    }
    if (size == values.length) {
      if (size >= CAP) {
        // Thin out: keep every other sample, sample half as often from now on.
        int j = 0;
        for (int i = 0; i < size; i += 2) {
          values[j++] = values[i];
        }
        size = j;
        stride *= 2;
      } else {
        values = Arrays.copyOf(values, size * 2);
      }
    }
    values[size++] = nanos;
  }

  public void clear() {
    size = 0;
    seen = 0;
    stride = 1;
  }

  public int size() {
    return size;
  }

  /** Adds another recorder's samples (both quiet). */
  public void addAll(Recorder other) {
    for (int i = 0; i < other.size; i++) {
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.max(1024, size * 2));
      }
      values[size++] = other.values[i];
    }
  }

  /** Sorted copy of the samples, for percentiles. */
  public long[] sorted() {
    long[] copy = Arrays.copyOf(values, size);
    Arrays.sort(copy);
    return copy;
  }

  /** The median of {@code values} (the mean of the middle two for an even count); values untouched. */
  public static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  public static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    idx = Math.max(0, Math.min(sorted.length - 1, idx));
    return sorted[idx] / 1e6;
  }
}
