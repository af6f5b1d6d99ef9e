package dev.belay.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packet JSON reader and writer, from literal strings; cross-checked against Gson on random values. */
class PlainJsonTest {

  @Test
  void readsEveryKindOfValue() throws IOException {
    Object value = PlainJson.parse(" [\"foo\", 1, -2, 2.5, 1e2, true, false, null, {\"a\": {}, \"b\": []}] ");
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("a", Map.of());
    inner.put("b", List.of());
    assertEquals(Arrays.asList("foo", 1L, -2L, 2.5, 100.0, true, false, null, inner), value);
  }

  @Test
  void integersThatFitAreLongsAndTheRestDoubles() throws IOException {
    assertEquals(0L, PlainJson.parse("-0"));
    assertEquals(999_999_999_999_999_999L, PlainJson.parse("999999999999999999"));
    assertEquals(Long.MAX_VALUE, PlainJson.parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, PlainJson.parse("-9223372036854775808"));
    assertEquals(9.223372036854775808E18, PlainJson.parse("9223372036854775808"));
    assertEquals(1.0, PlainJson.parse("1.0"));
    assertEquals(-1.5E-7, PlainJson.parse("-1.5e-7"));
    assertEquals(1E300, PlainJson.parse("1E+300"));
  }

  @Test
  void decodesEscapes() throws IOException {
    assertEquals("a\"b\\c/d\b\f\n\r\té😀", PlainJson.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
    assertEquals("\ud800", PlainJson.parse("\"\\uD800\""), "a lone surrogate survives, as in JavaScript");
  }

  @Test
  void keepsTheLastOfRepeatedNamesAndTheOrderOfFirstSight() throws IOException {
    assertEquals("{a=3, b=2}", PlainJson.parse("{\"a\":1,\"b\":2,\"a\":3}").toString());
  }

  @Test
  void parsesFromAnOffset() throws IOException {
    assertEquals(List.of("x"), PlainJson.parse("421[\"x\"]", 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "[", "]", "{", "}", "[1,]", "[,1]", "[1 2]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}",
      "{'a':1}", "'x'", "\"x", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\nb\"", "\"\t\"", "01", "-", "-a",
      "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1e400", "tru", "nul", "True",
      "null x", "[1]]", "{}{}", "// c\n1", "/* c */ 1", "[1] // c", "\u00a01", "[\"a\"\u2028]", "[1,\n]",
      // hex digits of other scripts in a \\u escape (Meetei Mayek 8, fullwidth 1): ASCII only
      "\"\\u000\uabf8EEb\"", "\"\\u00\uff11\uff11\"",
  })
  void refusesWhatRfc8259DoesNot(String json) {
    assertThrows(IOException.class, () -> PlainJson.parse(json), json);
  }

  @Test
  void refusesNestingBeyondTheLimitButNotAtIt() throws IOException {
    String ok = "[".repeat(PlainJson.MAX_DEPTH) + "]".repeat(PlainJson.MAX_DEPTH);
    PlainJson.parse(ok);
    String deep = "[".repeat(PlainJson.MAX_DEPTH + 1) + "]".repeat(PlainJson.MAX_DEPTH + 1);
    assertThrows(IOException.class, () -> PlainJson.parse(deep));
    String deepObject = "{\"a\":".repeat(PlainJson.MAX_DEPTH + 1) + "1" + "}".repeat(PlainJson.MAX_DEPTH + 1);
    assertThrows(IOException.class, () -> PlainJson.parse(deepObject));
  }

  @Test
  void writesAsJavaScriptsStringify() {
    List<byte[]> none = new ArrayList<>();
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f/é😀\"",
        SocketEncoder.toJson("a\"b\\c\n\r\t\b\f\u0001\u001f/é😀", none));
    assertEquals("\"\\ud800x\\udc00\"", SocketEncoder.toJson("\ud800x\udc00", none), "lone surrogates escaped");
    assertEquals("\"\\u2028\\u2029\"", SocketEncoder.toJson("\u2028\u2029", none));
    assertEquals("[1,2.5,1,null,null,-0.0,1.0E21,12345678901234567890,3]",
        SocketEncoder.toJson(List.of(1, 2.5, 1.0, Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e21,
            new java.math.BigInteger("12345678901234567890"), new java.util.concurrent.atomic.AtomicLong(3)), none));
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("x", null);
    map.put(7, new Object[] {'c', true});
    assertEquals("{\"x\":null,\"7\":[\"c\",true]}", SocketEncoder.toJson(map, none));
    assertTrue(none.isEmpty());
  }

  @Test
  void refusesNumbersThatAreNotJson() {
    assertThrows(IllegalArgumentException.class,
        () -> SocketEncoder.toJson(List.of(new java.util.concurrent.atomic.DoubleAdder() {
          @Override public String toString() { return "NaN"; }
        }), new ArrayList<>()));
  }

  /** 2,000 random values written by us, read back by us and by Gson: all three agree. */
  @Test
  void roundTripsRandomValuesAndAgreesWithGson() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      Object value = randomValue(random, 0);
      String json = SocketEncoder.toJson(value, new ArrayList<>());
      assertEquals(value, PlainJson.parse(json), json);
      assertEquals(JsonParser.parseString(json), JsonParser.parseString(SocketEncoder.toJson(PlainJson.parse(json), new ArrayList<>())), json);
    }
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 4 ? 5 : 7);
    switch (kind) {
      case 0: return null;
      case 1: return random.nextBoolean();
      case 2: return random.nextLong() >> random.nextInt(64);
      case 3: {
        double d = random.nextGaussian() * Math.pow(10, random.nextInt(30) - 20); // |d| < 2^52: +0.5 stays fractional
        return d == Math.rint(d) ? d + 0.5 : d;
      }
      case 4: return randomString(random);
      case 5: {
        List<Object> list = new ArrayList<>();
        for (int k = random.nextInt(5); k > 0; k--) list.add(randomValue(random, depth + 1));
        return list;
      }
      default: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int k = random.nextInt(5); k > 0; k--) map.put(randomString(random), randomValue(random, depth + 1));
        return map;
      }
    }
  }

  private static String randomString(Random random) {
    char[] pool = {'a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', 'é', '\u2028',
        '\u2029', '\ud83d', '\ude00', '\uffff', '{', '[', ':'};
    StringBuilder s = new StringBuilder();
    for (int k = random.nextInt(12); k > 0; k--) s.append(pool[random.nextInt(pool.length)]);
    return s.toString();
  }
}
