package dev.belay.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.belay.fuzz.Fuzz;
import dev.belay.fuzz.Gen;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the JSON reader: what the encoder writes parses back to the same values,
 * arbitrary text parses or fails with an {@link IOException} (never another exception, however
 * deep the nesting), and whatever it accepts, strict Gson reads as the same values.
 */
class PlainJsonFuzzTest {
  private static final Gson GSON = new GsonBuilder()
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
      .setStrictness(Strictness.STRICT)
      .serializeNulls()
      .create();

  private static final java.util.regex.Pattern LONG_INTEGER = java.util.regex.Pattern.compile("[0-9]{19,}");

  @Test
  void encodedValuesParseBackToThemselves() {
    Fuzz.forAll("json round trip", r -> Gen.plain(r, 6, false), value -> {
      String json = SocketEncoder.toJson(value, new ArrayList<>());
      assertEquals(value, PlainJson.parse(json));
    });
  }

  private static String arbitraryJson(java.util.Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> Gen.string(r, 60, true);
      // Around the depth limit, and now and then far past it (a stack-depth bomb).
      case 1 -> Gen.nested(r.nextBoolean() ? "[" : "{\"a\":", "1", r.nextBoolean() ? "]" : "}",
          r.nextInt(50) == 0 ? 100_000 : 1 + r.nextInt(300));
      default -> Gen.mutate(r, SocketEncoder.toJson(Gen.plain(r, 4, false), new ArrayList<>()));
    };
  }

  @Test
  void arbitraryTextParsesOrFailsWithAnIoException() {
    Fuzz.forAll("arbitrary json", PlainJsonFuzzTest::arbitraryJson, text -> {
      try {
        PlainJson.parse(text);
      } catch (IOException expected) {
        // the only failure allowed
      }
    });
  }

  @Test
  void whatItAcceptsStrictGsonReadsAsTheSameValues() {
    Fuzz.forAll("json agrees with gson", PlainJsonFuzzTest::arbitraryJson, text -> {
      Object ours;
      try {
        ours = PlainJson.parse(text);
      } catch (IOException refused) {
        return;
      }
      // Gson's strict reader takes some integers outside the long range for unquoted words (it
      // refuses "-922337203685477580808"); RFC 8259 allows them, so those inputs prove nothing.
      if (LONG_INTEGER.matcher(text).find()) return;
      assertEquals(ours, gsonRead(text), "Gson reads " + Fuzz.show(text) + " otherwise");
    });
  }

  /** Strict Gson, with the whole input consumed. */
  private static Object gsonRead(String text) throws IOException {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    Object value;
    try {
      value = GSON.fromJson(reader, Object.class);
    } catch (JsonParseException e) {
      throw new AssertionError("accepted by PlainJson, refused by Gson: " + e.getMessage(), e);
    }
    if (reader.peek() != JsonToken.END_DOCUMENT) throw new AssertionError("Gson sees trailing content");
    return value;
  }
}
