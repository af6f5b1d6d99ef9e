package dev.belay.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of engine events per second, per type and subtype, as the Admin UI's charts expect them
 * in {@code server_stats.aggregatedEvents}: {@code {timestamp, type, subType?, count}}.
 * Thread-safe: pushed from any thread, drained by the stats timer.
 */
final class AggregatedEvents {
  private record Key(long second, String type, String subType) {}

  // Counts since the last drain; thread-safe map of thread-safe adders.
  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  void push(String type, String subType, long count) {
    if (count <= 0) return;
    long second = System.currentTimeMillis() / 1000 * 1000;
    counts.computeIfAbsent(new Key(second, type, subType), k -> new LongAdder()).add(count);
  }

  /** The counts so far, as the UI reads them, and forgets them (a push racing with this goes to the next drain). */
  List<Map<String, Object>> drain() {
    List<Map<String, Object>> values = new ArrayList<>();
    for (Key key : List.copyOf(counts.keySet())) {
      LongAdder adder = counts.remove(key);
      if (adder == null) continue;
      Map<String, Object> value = new LinkedHashMap<>();
      value.put("timestamp", key.second());
      value.put("type", key.type());
      if (key.subType() != null) value.put("subType", key.subType());
      value.put("count", adder.sum());
      values.add(value);
    }
    return values;
  }
}
