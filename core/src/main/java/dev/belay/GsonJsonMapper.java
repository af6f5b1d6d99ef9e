package dev.belay;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import com.google.gson.ToNumberPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default {@link JsonMapper}, on Gson. Numbers become {@code Long} when integral and
 * {@code Double} otherwise (Gson's LONG_OR_DOUBLE policy); {@code byte[]} stays binary.
 *
 * <pre>{@code
 * JsonMapper mapper = new GsonJsonMapper(new GsonBuilder().setFieldNamingPolicy(LOWER_CASE_WITH_UNDERSCORES));
 * ServerOptions options = ServerOptions.builder().jsonMapper(mapper).build();
 * }</pre>
 */
public final class GsonJsonMapper implements JsonMapper {
  private final Gson gson;

  public GsonJsonMapper() {
    this(new GsonBuilder());
  }

  /** Uses {@code builder}'s settings, with LONG_OR_DOUBLE number handling and nulls kept. */
  public GsonJsonMapper(GsonBuilder builder) {
    this.gson = builder
        .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
        .setNumberToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
        .serializeNulls()
        .create();
  }

  @Override
  public Object toPlain(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof byte[]) {
      return value;
    }
    if (value instanceof Character c) return c.toString();
    // An event's arguments are usually plain already (echoed, or built from maps and lists): pass
    // them through rather than copying every container on every emit.
    if ((value instanceof Map || value instanceof List) && isPlain(value, 0)) return value;
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) out.put(String.valueOf(e.getKey()), toPlain(e.getValue()));
      return out;
    }
    if (value instanceof Iterable<?> items) {
      List<Object> out = new ArrayList<>();
      for (Object item : items) out.add(toPlain(item));
      return out;
    }
    if (value instanceof Object[] array) {
      List<Object> out = new ArrayList<>(array.length);
      for (Object item : array) out.add(toPlain(item));
      return out;
    }
    if (value instanceof JsonElement element) return fromTree(element);
    return fromTree(gson.toJsonTree(value));
  }

  /** Whether {@code value} is made of plain values only: String-keyed maps, lists, scalars, bytes. */
  private static boolean isPlain(Object value, int depth) {
    if (value == null || value instanceof String || value instanceof Long || value instanceof Double
        || value instanceof Boolean || value instanceof byte[]) {
      return true;
    }
    if (depth > 64) return false; // deep trees take the copying path, which checks as it goes
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String) || !isPlain(e.getValue(), depth + 1)) return false;
      }
      return true;
    }
    if (value instanceof List<?> list) {
      for (Object item : list) if (!isPlain(item, depth + 1)) return false;
      return true;
    }
    return false;
  }

  /** Throws Gson's {@link JsonParseException} when {@code plain} does not fit {@code type}. */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T fromPlain(Object plain, Class<T> type) {
    if (plain == null) return null;
    if (type == Object.class || (type.isInstance(plain) && !(plain instanceof Map) && !(plain instanceof List))) {
      return (T) plain;
    }
    if ((type == Map.class && plain instanceof Map) || (type == List.class && plain instanceof List)) return (T) plain;
    try {
      return gson.fromJson(toTree(plain), type);
    } catch (JsonParseException e) {
      throw e;
    } catch (RuntimeException e) {
      // Gson lets others through for a value of the wrong shape (NumberFormatException for a
      // string where a number belongs, IllegalArgumentException for null in an int[]); the caller
      // gets the one typed error for "does not fit the type".
      throw new JsonSyntaxException("cannot map the value to " + type.getName() + ": " + e.getMessage(), e);
    }
  }

  private JsonElement toTree(Object plain) {
    if (plain instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      for (Map.Entry<?, ?> e : map.entrySet()) object.add(String.valueOf(e.getKey()), toTree(e.getValue()));
      return object;
    }
    if (plain instanceof List<?> list) {
      JsonArray array = new JsonArray();
      for (Object item : list) array.add(toTree(item));
      return array;
    }
    return gson.toJsonTree(plain);
  }

  private static Object fromTree(JsonElement element) {
    if (element == null || element.isJsonNull()) return null;
    if (element.isJsonObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) out.put(e.getKey(), fromTree(e.getValue()));
      return out;
    }
    if (element.isJsonArray()) {
      List<Object> out = new ArrayList<>();
      for (JsonElement item : element.getAsJsonArray()) out.add(fromTree(item));
      return out;
    }
    JsonPrimitive primitive = element.getAsJsonPrimitive();
    if (primitive.isBoolean()) return primitive.getAsBoolean();
    if (primitive.isString()) return primitive.getAsString();
    Number n = primitive.getAsNumber();
    if (n instanceof Long || n instanceof Double) return n;
    if (n instanceof Integer || n instanceof Short || n instanceof Byte) return n.longValue();
    if (n instanceof Float) return n.doubleValue();
    String text = n.toString();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Double.parseDouble(text);
    }
  }
}
