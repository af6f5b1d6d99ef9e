package dev.belay.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.fuzz.Fuzz;
import dev.belay.fuzz.Gen;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated input for the Socket.IO encoder and decoder, binary attachments included: packets
 * survive encode then decode, and any sequence of text and binary frames decodes or fails with a
 * {@link SocketParseException}, never another exception, and leaves no bytes held in the budget.
 */
class SocketCodecFuzzTest {
  private static final int MAX_ATTACHMENTS = 10;

  /** A packet an application or client could send, binary anywhere in its data. */
  static SocketPacket packet(Random r) {
    String namespace = r.nextBoolean() ? "/" : namespace(r);
    // Ack ids up to 15 digits, the most the decoder takes (clients count up from 0).
    Long id = r.nextBoolean() ? null : r.nextBoolean() ? (long) r.nextInt(1000) : r.nextLong(1_000_000_000_000_000L);
    return switch (r.nextInt(5)) {
      case 0 -> SocketPacket.connect(namespace, r.nextBoolean() ? null : map(r));
      case 1 -> SocketPacket.disconnect(namespace);
      case 2 -> new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, null,
          r.nextBoolean() ? Gen.string(r, 20, true) : map(r), 0);
      case 3 -> SocketPacket.ack(namespace, arguments(r), id == null ? 0 : id);
      default -> {
        List<Object> data = new ArrayList<>();
        data.add(eventName(r));
        data.addAll(arguments(r));
        yield SocketPacket.event(namespace, data, id);
      }
    };
  }

  /** A namespace as clients name them: no comma (it ends the namespace) and no control character. */
  private static String namespace(Random r) {
    StringBuilder sb = new StringBuilder("/");
    for (char c : Gen.string(r, 12).toCharArray()) if (c != ',' && c >= 0x20 && c != 0x7f) sb.append(c);
    return sb.toString();
  }

  private static String eventName(Random r) {
    String name = Gen.string(r, 10, true);
    return List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener")
        .contains(name) ? name + "!" : name;
  }

  private static Map<String, Object> map(Random r) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = Gen.size(r, 4);
    for (int i = 0; i < n; i++) m.put(Gen.string(r, 6, true).replace("_placeholder", "x"), Gen.plain(r, 2, false));
    return m;
  }

  private static List<Object> arguments(Random r) {
    int n = Gen.size(r, 4);
    List<Object> args = new ArrayList<>(n);
    int binary = 0;
    for (int i = 0; i < n; i++) {
      Object value = Gen.plain(r, 3, binary < MAX_ATTACHMENTS);
      binary += countBinary(value);
      if (binary > MAX_ATTACHMENTS) return args;
      args.add(value);
    }
    return args;
  }

  private static int countBinary(Object value) {
    if (value instanceof byte[]) return 1;
    int n = 0;
    if (value instanceof List<?> list) for (Object v : list) n += countBinary(v);
    if (value instanceof Map<?, ?> map) for (Object v : map.values()) n += countBinary(v);
    return n;
  }

  /** {@code byte[]} compares by identity; this turns the bytes into a hex record so equals compares content. */
  private record Bin(String hex) {}

  /**
   * {@code value} with bytes as {@link Bin} and integral doubles as longs: JSON has one number type,
   * and the encoder writes {@code 2.0} as {@code 2}, as JavaScript does.
   */
  static Object comparable(Object value) {
    if (value instanceof byte[] b) return new Bin(HexFormat.of().formatHex(b));
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 && !(d == 0 && 1 / d < 0)) {
      return d.longValue();
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object v : list) out.add(comparable(v));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) out.put(e.getKey(), comparable(e.getValue()));
      return out;
    }
    return value;
  }

  /** Feeds the frames of {@code wire} to {@code decoder}; returns the packet they complete. */
  private static SocketPacket decode(SocketDecoder decoder, EncodedPacket wire) {
    SocketPacket packet = decoder.add(wire.text());
    for (byte[] attachment : wire.attachments()) packet = decoder.add(attachment);
    return packet;
  }

  @Test
  void packetSurvivesEncodeAndDecode() {
    AttachmentBudget budget = new AttachmentBudget(1_000_000);
    SocketDecoder decoder = new SocketDecoder(MAX_ATTACHMENTS, 1_000_000, budget);
    Fuzz.forAll("socket packet round trip", SocketCodecFuzzTest::packet, packet -> {
      EncodedPacket wire = SocketEncoder.encode(packet);
      SocketPacket decoded = decode(decoder, wire);
      SocketPacketType type = packet.type();
      if (wire.hasAttachments()) type = type == SocketPacketType.EVENT ? SocketPacketType.BINARY_EVENT : SocketPacketType.BINARY_ACK;
      assertEquals(type, decoded.type());
      assertEquals(packet.namespace(), decoded.namespace());
      assertEquals(packet.id(), decoded.id());
      assertEquals(comparable(packet.data()), comparable(decoded.data()));
      assertEquals(wire.attachments().size(), decoded.attachments());
      assertEquals(0, budget.held(), "a complete packet holds no budget");
    });
  }

  /** Frames as a peer might send them: valid packets edited, random text, stray binary, deep nesting. */
  private static List<Object> frames(Random r) {
    List<Object> frames = new ArrayList<>();
    int n = 1 + Gen.size(r, 4);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0 -> frames.add(Gen.string(r, 60, true));
        case 1 -> frames.add(Gen.bytes(r, 32));
        case 2 -> frames.add(Gen.nested("2[", "\"x\"", "]", r.nextInt(50) == 0 ? 100_000 : 1 + r.nextInt(300))
            .substring(r.nextInt(2)));
        case 3 -> frames.add(SocketEncoder.encode(packet(r)).text());
        default -> {
          EncodedPacket wire = SocketEncoder.encode(packet(r));
          frames.add(Gen.mutate(r, wire.text()));
          int attachments = wire.attachments().size() + r.nextInt(3) - 1;
          for (int k = 0; k < attachments; k++) frames.add(Gen.bytes(r, 32));
        }
      }
    }
    return frames;
  }

  @Test
  void anyFramesDecodeOrFailWithAParseErrorAndHoldNoBudgetAfterReset() {
    AttachmentBudget budget = new AttachmentBudget(10_000);
    Fuzz.forAll("arbitrary socket frames", SocketCodecFuzzTest::frames, frames -> {
      SocketDecoder decoder = new SocketDecoder(MAX_ATTACHMENTS, 100, budget);
      for (Object frame : frames) {
        SocketPacket packet;
        try {
          packet = decoder.add(frame);
        } catch (SocketParseException expected) {
          continue; // the connection would be closed; the decoder starts over
        }
        if (packet != null) {
          SocketPacket again = decode(new SocketDecoder(MAX_ATTACHMENTS, 100), SocketEncoder.encode(packet));
          assertEquals(comparable(packet.data()), comparable(again.data()), "a decoded packet re-encodes to itself");
        }
      }
      decoder.reset();
      assertEquals(0, budget.held(), "reset gives every byte back");
    });
  }

  @Test
  void anyTextDecodesOrFailsWithAParseError() {
    Fuzz.forAll("arbitrary socket text", r -> r.nextBoolean()
        ? Gen.string(r, 80, true)
        : Gen.mutate(r, SocketEncoder.encode(packet(r)).text()), text -> {
          try {
            SocketDecoder.decodeText(text, MAX_ATTACHMENTS);
          } catch (SocketParseException expected) {
            // the only failure allowed
          }
        });
  }
}
