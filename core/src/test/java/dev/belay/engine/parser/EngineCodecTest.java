package dev.belay.engine.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EngineCodecTest {

  @Test
  void aTextPacketsWebSocketFrameIsItsTypeAndTextInUtf8EncodedOnce() {
    EnginePacket packet = EnginePacket.message("h\u00e9llo \uD83D\uDE00");
    byte[] frame = packet.utf8Frame();
    assertArrayEquals("4h\u00e9llo \uD83D\uDE00".getBytes(StandardCharsets.UTF_8), frame);
    assertTrue(frame == packet.utf8Frame(), "a broadcast shares one encoding");
    assertArrayEquals(new byte[] {'2'}, EnginePacket.PING.utf8Frame());
    assertArrayEquals("3probe".getBytes(StandardCharsets.UTF_8), EnginePacket.PONG_PROBE.utf8Frame());
    assertThrows(IllegalStateException.class, () -> EnginePacket.binary(new byte[] {1}).utf8Frame());
  }

  @Test
  void decodesEveryPacketTypeFromItsDigit() {
    assertEquals(EnginePacket.of(EnginePacketType.OPEN, "{\"sid\":\"x\"}"), EngineCodec.decodePacket("0{\"sid\":\"x\"}"));
    assertEquals(EnginePacket.CLOSE, EngineCodec.decodePacket("1"));
    assertEquals(EnginePacket.PING, EngineCodec.decodePacket("2"));
    assertEquals(EnginePacket.PING_PROBE, EngineCodec.decodePacket("2probe"));
    assertEquals(EnginePacket.PONG, EngineCodec.decodePacket("3"));
    assertEquals(EnginePacket.PONG_PROBE, EngineCodec.decodePacket("3probe"));
    assertEquals(EnginePacket.message("hello"), EngineCodec.decodePacket("4hello"));
    assertEquals(EnginePacket.UPGRADE, EngineCodec.decodePacket("5"));
    assertEquals(EnginePacket.NOOP, EngineCodec.decodePacket("6"));
  }

  @Test
  void encodesTextPacketsAsDigitAndData() {
    assertEquals("4hello", EngineCodec.encodePacket(EnginePacket.message("hello")));
    assertEquals("4", EngineCodec.encodePacket(EnginePacket.message("")));
    assertEquals("2", EngineCodec.encodePacket(EnginePacket.PING));
    assertEquals("3probe", EngineCodec.encodePacket(EnginePacket.PONG_PROBE));
    assertEquals("6", EngineCodec.encodePacket(EnginePacket.NOOP));
  }

  @Test
  void messageTextKeepsEveryCharacter() {
    String tricky = "a\r\nb\u2028c\u0000d\uD83D\uDE00e\u001e";
    assertEquals(tricky, EngineCodec.decodePacket(EngineCodec.encodePacket(EnginePacket.message(tricky))).text());
    assertEquals("", EngineCodec.decodePacket("4").text());
  }

  @Test
  void binaryPacketsAreBPlusBase64InPayloads() {
    EnginePacket bytes = EnginePacket.binary(new byte[] {1, 2, 3, 4});
    assertEquals("bAQIDBA==", EngineCodec.encodePacket(bytes));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, EngineCodec.decodePacket("bAQIDBA==").binary());
    assertArrayEquals(new byte[0], EngineCodec.decodePacket("b").binary());
  }

  @Test
  void base64WithLineBreaksAsTheJavaClientSendsItIsAccepted() {
    assertArrayEquals(new byte[] {1, 2, 3}, EngineCodec.decodePacket("bAQID\n").binary());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, EngineCodec.decodePacket("bAQID\r\nBA==").binary());
  }

  @Test
  void webSocketBinaryFramesAreBinaryMessages() {
    EnginePacket p = EngineCodec.decodeBinary(new byte[] {(byte) 0xff, 0});
    assertTrue(p.isBinary());
    assertEquals(EnginePacketType.MESSAGE, p.type());
    assertArrayEquals(new byte[] {(byte) 0xff, 0}, (byte[]) p.data());
  }

  @Test
  void payloadsJoinPacketsWithRecordSeparator() {
    List<EnginePacket> packets = List.of(EnginePacket.message("test1"), EnginePacket.message("test2"),
        EnginePacket.binary(new byte[] {1, 2, 3, 4}));
    assertEquals("4test1\u001e4test2\u001ebAQIDBA==", EngineCodec.encodePayload(packets));
    assertEquals(packets, EngineCodec.decodePayload("4test1\u001e4test2\u001ebAQIDBA=="));
    assertEquals(List.of(EnginePacket.message("hello")), EngineCodec.decodePayload("4hello"));
    assertEquals("6", EngineCodec.encodePayload(List.of(EnginePacket.NOOP)));
  }

  @Test
  void payloadWithEmptyMessagesKeepsThem() {
    assertEquals(List.of(EnginePacket.message(""), EnginePacket.message("")), EngineCodec.decodePayload("4\u001e4"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "7", "9x", "x", " 4hello", "-1", "\u001e", "4a\u001e", "\u001e4a",
      "4a\u001e\u001e4b", "b!!!", "bAQ=ID", "\u00004"})
  void malformedPacketsAndPayloadsAreTypedErrors(String input) {
    assertThrows(EngineParseException.class, () -> EngineCodec.decodePayload(input));
  }

  @Test
  void nullIsAnError() {
    assertThrows(EngineParseException.class, () -> EngineCodec.decodePacket(null));
    assertThrows(EngineParseException.class, () -> EngineCodec.decodePayload(null));
  }

  @Test
  void strictUtf8RejectsMalformedAndTruncatedSequences() {
    assertEquals("h\u00e9\uD83D\uDE00", EngineCodec.decodeUtf8("h\u00e9\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
    assertThrows(EngineParseException.class, () -> EngineCodec.decodeUtf8(new byte[] {'4', (byte) 0xc3}));
    assertThrows(EngineParseException.class, () -> EngineCodec.decodeUtf8(new byte[] {'4', (byte) 0xff}));
    assertThrows(EngineParseException.class, () -> EngineCodec.decodeUtf8(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
    assertThrows(EngineParseException.class, () -> EngineCodec.decodeUtf8(new byte[] {(byte) 0xc0, (byte) 0x80}));
  }

  @Test
  void packetsHoldEitherTextOrBinary() {
    assertThrows(IllegalArgumentException.class, () -> new EnginePacket(EnginePacketType.MESSAGE, "a", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new EnginePacket(EnginePacketType.MESSAGE, null, null));
    assertThrows(IllegalArgumentException.class, () -> new EnginePacket(EnginePacketType.PING, null, new byte[0]));
  }

  @Test
  void typeCodesRoundTrip() {
    for (EnginePacketType t : EnginePacketType.values()) assertEquals(t, EnginePacketType.fromCode(t.code()));
    assertEquals(null, EnginePacketType.fromCode('7'));
    assertEquals(null, EnginePacketType.fromCode('/'));
  }
}
