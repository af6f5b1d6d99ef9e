package dev.belay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import dev.belay.parser.PlainJson;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GsonJsonMapperTest {
  private final JsonMapper mapper = new GsonJsonMapper();

  record Point(int x, double y, String label, List<String> tags) {}

  @Test
  void objectsBecomePlainValuesWithLongsAndDoubles() {
    Object plain = mapper.toPlain(new Point(1, 2.5, null, List.of("a")));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("x", 1L);
    expected.put("y", 2.5);
    expected.put("label", null);
    expected.put("tags", List.of("a"));
    assertEquals(expected, plain);
  }

  @Test
  void plainValuesStayAndBinaryIsKept() {
    byte[] bytes = {1, 2};
    assertSame(bytes, mapper.toPlain(bytes));
    assertEquals("s", mapper.toPlain("s"));
    assertEquals(3, mapper.toPlain(3));
    assertNull(mapper.toPlain(null));
    Map<?, ?> map = (Map<?, ?>) mapper.toPlain(Map.of("blob", bytes, "list", Arrays.asList(1, new Point(0, 0, "p", List.of()))));
    assertSame(bytes, map.get("blob"));
    assertEquals("p", ((Map<?, ?>) ((List<?>) map.get("list")).get(1)).get("label"));
    assertArrayEquals(new Object[] {"a", 1L}, ((List<?>) mapper.toPlain(new Object[] {'a', 1L})).toArray());
  }

  @Test
  void plainValuesMapToClasses() {
    Map<String, Object> plain = new LinkedHashMap<>();
    plain.put("x", 3L);
    plain.put("y", 4L);
    plain.put("label", "here");
    plain.put("tags", List.of("t"));
    assertEquals(new Point(3, 4.0, "here", List.of("t")), mapper.fromPlain(plain, Point.class));
    assertEquals("text", mapper.fromPlain("text", String.class));
    assertEquals(7, mapper.fromPlain(7L, Integer.class));
    assertSame(plain, mapper.fromPlain(plain, Map.class));
    assertNull(mapper.fromPlain(null, Point.class));
  }

  @Test
  void valueOfTheWrongShapeIsAJsonParseException() throws Exception {
    // Gson itself throws NumberFormatException and IllegalArgumentException for these two.
    assertThrows(JsonParseException.class, () -> mapper.fromPlain(PlainJson.parse("\"Ts\""), Double.class));
    assertThrows(JsonParseException.class, () -> mapper.fromPlain(PlainJson.parse("[null]"), int[].class));
    assertThrows(JsonParseException.class, () -> mapper.fromPlain(PlainJson.parse("{\"x\":\"one\"}"), Point.class));
  }
}
