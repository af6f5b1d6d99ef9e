package dev.belay.engine.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.fuzz.Fuzz;
import dev.belay.fuzz.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the SSE framing: events encoded from packets read back to the same packets
 * however the stream is cut into pieces, and arbitrary streams yield packets or an
 * {@link EngineParseException}, never another exception.
 */
class SseCodecFuzzTest {
  private static final EnginePacketType[] TYPES = EnginePacketType.values();

  /** A packet as the server sends it: valid UTF-16 text (the stream is UTF-8), any characters. */
  private static EnginePacket packet(Random r) {
    EnginePacketType type = TYPES[r.nextInt(TYPES.length)];
    if (type == EnginePacketType.MESSAGE && r.nextInt(4) == 0) return EnginePacket.binary(Gen.bytes(r, 64));
    return EnginePacket.of(type, Gen.string(r, 40));
  }

  private static List<EnginePacket> packets(Random r) {
    int n = Gen.size(r, 6);
    List<EnginePacket> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(packet(r));
    return list;
  }

  private record Cut(List<EnginePacket> packets, List<String> pieces) {}

  @Test
  void eventsReadBackToTheSamePacketsHoweverTheStreamIsCut() {
    Fuzz.forAll("sse round trip", r -> {
      List<EnginePacket> packets = packets(r);
      String stream = SseCodec.padding(Gen.size(r, 40)) + SseCodec.encodeEvents(packets);
      return new Cut(packets, Gen.chunks(r, stream));
    }, cut -> {
      SseCodec.Decoder decoder = new SseCodec.Decoder();
      List<EnginePacket> read = new ArrayList<>();
      for (String piece : cut.pieces()) read.addAll(decoder.feed(piece));
      assertEquals(cut.packets(), read);
    });
  }

  @Test
  void arbitraryStreamYieldsPacketsOrAParseError() {
    Fuzz.forAll("arbitrary sse stream", r -> {
      String stream = r.nextBoolean()
          ? Gen.string(r, 120, true)
          : Gen.mutate(r, SseCodec.encodeEvents(packets(r)));
      return Gen.chunks(r, stream);
    }, pieces -> {
      SseCodec.Decoder decoder = new SseCodec.Decoder();
      try {
        for (String piece : pieces) decoder.feed(piece);
        decoder.feed("\n\n"); // dispatch whatever is pending
      } catch (EngineParseException expected) {
        // the only failure allowed
      }
    });
  }

  @Test
  void arbitraryEventDataDecodesOrFailsWithAParseError() {
    Fuzz.forAll("arbitrary sse event", r -> List.of(r.nextBoolean() ? SseCodec.T64 : "message",
        r.nextBoolean() ? Gen.string(r, 60, true) : Gen.mutate(r, SseCodec.encodeEvent(packet(r)).substring(6))),
        event -> {
          try {
            SseCodec.decodeEvent(event.get(0), event.get(1));
          } catch (EngineParseException expected) {
            // the only failure allowed
          }
        });
  }
}
