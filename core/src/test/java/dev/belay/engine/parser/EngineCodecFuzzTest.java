package dev.belay.engine.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.fuzz.Fuzz;
import dev.belay.fuzz.Gen;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the Engine.IO codec: packets and payloads survive encode then decode, and
 * anything else decodes or fails with {@link EngineParseException}, never another exception.
 */
class EngineCodecFuzzTest {
  private static final EnginePacketType[] TYPES = EnginePacketType.values();

  /** A packet of any type; a message may be binary. Text may hold \u001e, CR, LF, lone surrogates. */
  static EnginePacket packet(Random r, boolean separatorAllowed) {
    EnginePacketType type = TYPES[r.nextInt(TYPES.length)];
    if (type == EnginePacketType.MESSAGE && r.nextInt(4) == 0) return EnginePacket.binary(Gen.bytes(r, 64));
    String text = Gen.string(r, 40, true);
    if (!separatorAllowed) text = text.replace(EngineCodec.SEPARATOR, ' ');
    return EnginePacket.of(type, text);
  }

  static List<EnginePacket> packets(Random r, boolean separatorAllowed) {
    int n = 1 + Gen.size(r, 8);
    List<EnginePacket> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(packet(r, separatorAllowed));
    return list;
  }

  @Test
  void packetSurvivesEncodeAndDecode() {
    // One packet is a WebSocket frame: any text goes, the separator included.
    Fuzz.forAll("engine packet round trip", r -> packet(r, true),
        p -> assertEquals(p, EngineCodec.decodePacket(EngineCodec.encodePacket(p))));
  }

  @Test
  void payloadSurvivesEncodeAndDecode() {
    // In a polling payload \u001e separates packets, so text holding one cannot round-trip (as in
    // Engine.IO itself); the Socket.IO layer never sends one raw, its JSON escapes control characters.
    Fuzz.forAll("engine payload round trip", r -> packets(r, false),
        ps -> assertEquals(ps, EngineCodec.decodePayload(EngineCodec.encodePayload(ps))));
  }

  @Test
  void textFrameIsTheUtf8OfTheEncodedPacket() {
    Fuzz.forAll("utf8 frame", r -> EnginePacket.of(TYPES[r.nextInt(TYPES.length)], Gen.string(r, 40)),
        p -> assertArrayEquals(EngineCodec.encodePacket(p).getBytes(StandardCharsets.UTF_8), p.utf8Frame()));
  }

  @Test
  void arbitraryPayloadDecodesOrFailsWithAParseError() {
    Fuzz.forAll("arbitrary payload", r -> r.nextBoolean()
        ? Gen.string(r, 80, true)
        : Gen.mutate(r, EngineCodec.encodePayload(packets(r, false))), EngineCodecFuzzTest::decodeStably);
  }

  /** Decodes; what decodes must encode and decode to the same packets again. */
  private static void decodeStably(String payload) {
    List<EnginePacket> decoded;
    try {
      decoded = EngineCodec.decodePayload(payload);
    } catch (EngineParseException expected) {
      return;
    }
    assertEquals(decoded, EngineCodec.decodePayload(EngineCodec.encodePayload(decoded)));
  }

  @Test
  void arbitraryBytesAreStrictUtf8OrAParseError() {
    Fuzz.forAll("strict utf-8", r -> r.nextBoolean()
        ? Gen.bytes(r, 32)
        : Gen.string(r, 16, true).getBytes(StandardCharsets.UTF_8), bytes -> {
          String text;
          try {
            text = EngineCodec.decodeUtf8(bytes);
          } catch (EngineParseException expected) {
            return;
          }
          assertArrayEquals(bytes, text.getBytes(StandardCharsets.UTF_8), "what decodes re-encodes to the same bytes");
        });
  }
}
