package dev.belay.parser;

import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON to plain Java values: {@code LinkedHashMap}, {@code ArrayList}, {@code String},
 * {@code Long} or {@code Double} (Gson's LONG_OR_DOUBLE policy), {@code Boolean} and {@code null}.
 *
 * <pre>{@code
 * Object value = PlainJson.parse("[\"foo\",1,2.5,{\"a\":null}]");
 * }</pre>
 */
public final class PlainJson {
  /** Deeper input is refused rather than risking the stack. */
  public static final int MAX_DEPTH = 128;

  private PlainJson() {}

  /** Parses one complete JSON value; trailing content, comments, NaN or bad syntax is an error. */
  public static Object parse(String json) throws IOException {
    JsonReader reader = new JsonReader(new StringReader(json));
    reader.setStrictness(Strictness.STRICT);
    Object value = read(reader, 0);
    if (reader.peek() != JsonToken.END_DOCUMENT) throw new IOException("trailing content after the JSON value");
    return value;
  }

  private static Object read(JsonReader reader, int depth) throws IOException {
    if (depth > MAX_DEPTH) throw new IOException("JSON nested deeper than " + MAX_DEPTH);
    switch (reader.peek()) {
      case BEGIN_ARRAY -> {
        List<Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) list.add(read(reader, depth + 1));
        reader.endArray();
        return list;
      }
      case BEGIN_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          map.put(name, read(reader, depth + 1));
        }
        reader.endObject();
        return map;
      }
      case STRING -> {
        return reader.nextString();
      }
      case NUMBER -> {
        return ToNumberPolicy.LONG_OR_DOUBLE.readNumber(reader);
      }
      case BOOLEAN -> {
        return reader.nextBoolean();
      }
      case NULL -> {
        reader.nextNull();
        return null;
      }
      default -> throw new IOException("unexpected " + reader.peek());
    }
  }
}
