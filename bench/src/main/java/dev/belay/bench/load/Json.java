package dev.belay.bench.load;

import java.util.Map;

/** Writes a flat result row as one JSON line (the report reads them back with Gson). */
public final class Json {
  private Json() {}

  public static String line(Map<String, Object> row) {
    StringBuilder sb = new StringBuilder("{");
    for (var e : row.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Number n) {
        double d = n.doubleValue();
        sb.append(Double.isFinite(d) ? (v instanceof Double || v instanceof Float ? String.format(java.util.Locale.ROOT, "%.4f", d) : n.toString()) : "null");
      } else if (v == null) {
        sb.append("null");
      } else {
        sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ")).append('"');
      }
    }
    return sb.append('}').toString();
  }
}
