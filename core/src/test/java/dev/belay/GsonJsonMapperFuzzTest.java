package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.gson.JsonParseException;
import dev.belay.fuzz.Fuzz;
import dev.belay.fuzz.Gen;
import dev.belay.parser.PlainJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the Gson mapper path, as a typed listener sees a client's arguments: plain
 * values pass through, and mapping any decoded value to an application type either works or fails
 * with Gson's {@link JsonParseException}, never another exception.
 */
class GsonJsonMapperFuzzTest {
  private final GsonJsonMapper mapper = new GsonJsonMapper();

  record Move(int x, int y, String player, List<String> tags, Map<String, Double> scores, boolean last) {}

  static final class Profile {
    String name;
    long age;
    double[] ratings;
    Profile friend;
    List<Map<String, Object>> extras;
  }

  private static final List<Class<?>> TARGETS =
      List.of(Move.class, Profile.class, String.class, Integer.class, Long.class, Double.class, Boolean.class,
          int[].class, String[].class, Object.class, Map.class, List.class);

  @Test
  void plainValuesPassThroughUnchanged() {
    Fuzz.forAll("toPlain of plain", r -> Gen.plain(r, 6, true), value -> {
      Object plain = mapper.toPlain(value);
      if (value instanceof Map || value instanceof List) assertSame(value, plain);
      else assertEquals(value, plain);
    });
  }

  @Test
  void decodedValueMapsToAnyTypeOrFailsWithAJsonParseException() {
    Fuzz.forAll("fromPlain of decoded", r -> {
      String json = r.nextBoolean()
          ? dev.belay.parser.SocketEncoderAccess.toJson(Gen.plain(r, 4, false))
          : Gen.mutate(r, "{\"x\":1,\"y\":2,\"player\":\"a\",\"tags\":[\"t\"],\"scores\":{\"s\":1.5},\"last\":true,"
              + "\"name\":\"n\",\"age\":3,\"ratings\":[1,2],\"friend\":{\"name\":\"f\"},\"extras\":[{}]}");
      return List.of(json, TARGETS.get(r.nextInt(TARGETS.size())));
    }, input -> {
      Object plain;
      try {
        plain = PlainJson.parse((String) input.get(0));
      } catch (java.io.IOException refused) {
        return;
      }
      try {
        mapper.fromPlain(plain, (Class<?>) input.get(1));
      } catch (JsonParseException expected) {
        // a value of the wrong shape for the type: the only failure allowed
      }
      Object back = mapper.toPlain(mapper.fromPlain(plain, Object.class));
      assertEquals(plain, back);
    });
  }
}
