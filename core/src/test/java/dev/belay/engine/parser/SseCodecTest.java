package dev.belay.engine.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SSE framing: literal cases from PROTOCOL.md, then property-style round trips. */
class SseCodecTest {
  private static final int RUNS = 3000;

  // ---- literal cases ----

  @Test
  void plainTextIsOneDataLine() {
    assertEquals("data: 4hello\n\n", SseCodec.encodeEvent(EnginePacket.message("hello")));
    assertEquals("data: 2\n\n", SseCodec.encodeEvent(EnginePacket.PING));
  }

  @Test
  void lineBreaksSplitIntoDataLines() {
    assertEquals("data: 4a\ndata: b\n\n", SseCodec.encodeEvent(EnginePacket.message("a\nb")));
    assertEquals("data: 4a\ndata: \n\n", SseCodec.encodeEvent(EnginePacket.message("a\n")));
    assertEquals("data: 4\ndata: \n\n", SseCodec.encodeEvent(EnginePacket.message("\n")));
  }

  @Test
  void carriageReturnTravelsAsT64() {
    assertEquals("event: t64\ndata: NGENYg==\n\n", SseCodec.encodeEvent(EnginePacket.message("a\rb")));
  }

  @Test
  void binaryIsBPlusBase64() {
    assertEquals("data: bAQID\n\n", SseCodec.encodeEvent(EnginePacket.binary(new byte[] {1, 2, 3})));
  }

  @Test
  void paddingHasTheConfiguredSize() {
    assertEquals("", SseCodec.padding(0));
    assertEquals(2048, SseCodec.padding(2048).length());
    assertTrue(SseCodec.padding(2048).startsWith(":"));
    assertTrue(SseCodec.padding(2048).endsWith("\n"));
    assertEquals(List.of(), new SseCodec.Decoder().feed(SseCodec.padding(2048)));
  }

  @Test
  void decoderFollowsTheSseRules() {
    SseCodec.Decoder d = new SseCodec.Decoder();
    // CRLF and CR line ends, comments, a field without a space after the colon, an unknown event.
    List<EnginePacket> got = d.feed(": hi\r\ndata:4x\r\rdata: 4\r\ndata: y\n\nevent: other\ndata: 4z\n\ndata: 3\n\n");
    assertEquals(List.of(EnginePacket.message("x"), EnginePacket.message("\ny"), EnginePacket.PONG), got);
  }

  @Test
  void decoderRejectsBadBase64AndUnknownTypes() {
    assertThrows(EngineParseException.class, () -> new SseCodec.Decoder().feed("event: t64\ndata: !!\n\n"));
    assertThrows(EngineParseException.class, () -> new SseCodec.Decoder().feed("data: 9\n\n"));
  }

  // ---- properties ----

  @Test
  void everyStringRoundTrips() {
    Random random = new Random(20261122L);
    for (int run = 0; run < RUNS; run++) {
      String s = randomString(random);
      EnginePacket p = EnginePacket.message(s);
      String event = SseCodec.encodeEvent(p);
      assertWellFormed(event, s);
      assertEquals(List.of(p), decodeInPieces(event, random), () -> "round trip of " + escape(s));
    }
  }

  @Test
  void everyByteArrayRoundTrips() {
    Random random = new Random(7L);
    for (int run = 0; run < RUNS; run++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      EnginePacket p = EnginePacket.binary(bytes);
      String event = SseCodec.encodeEvent(p);
      assertWellFormed(event, "binary");
      assertEquals(List.of(p), decodeInPieces(event, random));
    }
  }

  @Test
  void manyEventsInOneChunkRoundTripInOrder() {
    Random random = new Random(99L);
    for (int run = 0; run < 200; run++) {
      List<EnginePacket> packets = new ArrayList<>();
      int n = 1 + random.nextInt(10);
      for (int i = 0; i < n; i++) {
        packets.add(random.nextInt(4) == 0 ? EnginePacket.binary(new byte[] {(byte) i})
            : EnginePacket.message(randomString(random)));
      }
      String events = SseCodec.padding(1 + random.nextInt(100)) + SseCodec.encodeEvents(packets);
      assertEquals(packets, decodeInPieces(events, random));
    }
  }

  /** No CR on the wire, each line a data/event field, exactly one empty line at the end. */
  private static void assertWellFormed(String event, String source) {
    assertFalse(event.indexOf('\r') >= 0, () -> "CR on the wire for " + escape(source));
    assertTrue(event.endsWith("\n\n"));
    String body = event.substring(0, event.length() - 2);
    for (String line : body.split("\n", -1)) {
      assertTrue(line.startsWith("data: ") || line.equals("event: t64"), () -> "line " + escape(line));
    }
  }

  /** Feeds the text in random pieces, so that CRLF pairs and lines are split across chunks. */
  private static List<EnginePacket> decodeInPieces(String text, Random random) {
    SseCodec.Decoder d = new SseCodec.Decoder();
    List<EnginePacket> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int end = Math.min(text.length(), i + 1 + random.nextInt(8));
      out.addAll(d.feed(text.substring(i, end)));
      i = end;
    }
    return out;
  }

  private static final String[] SPECIAL = {
    "\r", "\n", "\r\n", "\n\r", "\u2028", "\u2029", "\u0000", "\uD83D\uDE00", "\uD800\uDC00", " ", ":",
    "data: ", "event: t64", "\u001e", "\uFEFF", "\u0085", "é", "", "\t", "\\", "\"",
  };

  /** Random strings weighted toward the characters SSE treats specially; sometimes empty or ending in a newline. */
  static String randomString(Random random) {
    int kind = random.nextInt(10);
    if (kind == 0) return "";
    StringBuilder sb = new StringBuilder();
    int len = random.nextInt(12);
    for (int i = 0; i < len; i++) {
      int pick = random.nextInt(10);
      if (pick < 5) {
        sb.append(SPECIAL[random.nextInt(SPECIAL.length)]);
      } else if (pick < 8) {
        sb.append((char) ('a' + random.nextInt(26)));
      } else {
        int cp = random.nextInt(0x10FFFF + 1);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x'; // lone surrogates are not valid text
        sb.appendCodePoint(cp);
      }
    }
    if (kind == 1) sb.append('\n');
    if (kind == 2) sb.append("\r\n");
    return sb.toString();
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp > 0x7e) sb.append(String.format("\\u{%x}", cp));
      else sb.appendCodePoint(cp);
    });
    return sb.toString();
  }
}
