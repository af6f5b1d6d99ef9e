package dev.belay.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.parser.SocketParseException.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every example of the socket.io-protocol README, both ways, and the malformed inputs we know of. */
class SocketCodecTest {
  private static final byte[] B1234 = {1, 2, 3, 4};

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static String text(SocketPacket packet) {
    EncodedPacket e = SocketEncoder.encode(packet);
    assertFalse(e.hasAttachments());
    return e.text();
  }

  private static SocketPacket decodeAll(Object... frames) {
    SocketDecoder decoder = new SocketDecoder(10, 1_000_000);
    SocketPacket result = null;
    for (int i = 0; i < frames.length; i++) {
      result = decoder.add(frames[i]);
      if (i < frames.length - 1) assertNull(result, "packet completed early at frame " + i);
    }
    assertFalse(decoder.isReassembling());
    return result;
  }

  // ---- README "connection to a namespace" table ----

  @Test
  void connectExamples() {
    assertEquals("0", text(SocketPacket.connect("/", null)));
    assertEquals("0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", text(SocketPacket.connect("/", map("sid", "wZX3oN0bSVIhsaknAAAI"))));
    assertEquals("0/admin,", text(SocketPacket.connect("/admin", null)));
    assertEquals("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}",
        text(SocketPacket.connect("/admin", map("sid", "oSO0OpakMV_3jnilAAAA"))));
    assertEquals("4{\"message\":\"Not authorized\"}", text(SocketPacket.connectError("/", "Not authorized", null)));
    assertEquals("4/admin,{\"message\":\"no\",\"data\":{\"code\":7}}",
        text(SocketPacket.connectError("/admin", "no", map("code", 7L))));

    assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/", null, null, 0), decodeAll("0"));
    assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/admin", null, null, 0), decodeAll("0/admin,"));
    assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/admin", null, map("token", "123"), 0),
        decodeAll("0/admin,{\"token\":\"123\"}"));
    assertEquals(map("sid", "wZX3oN0bSVIhsaknAAAI"), decodeAll("0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}").data());
    assertEquals(map("message", "Not authorized"), decodeAll("4{\"message\":\"Not authorized\"}").data());
  }

  @Test
  void namespaceWithoutTrailingComma() {
    // The official test suite sends "40/random" and "41/custom": the namespace runs to the end.
    assertEquals(new SocketPacket(SocketPacketType.CONNECT, "/random", null, null, 0), decodeAll("0/random"));
    assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/custom", null, null, 0), decodeAll("1/custom"));
  }

  // ---- README "sending and receiving data" table ----

  @Test
  void eventExamples() {
    assertEquals("2[\"foo\"]", text(SocketPacket.event("/", List.of("foo"), null)));
    assertEquals("2/admin,[\"bar\"]", text(SocketPacket.event("/admin", List.of("bar"), null)));

    SocketPacket foo = decodeAll("2[\"foo\"]");
    assertEquals(SocketPacketType.EVENT, foo.type());
    assertEquals("foo", foo.eventName());
    assertEquals(List.of(), foo.eventArguments());
    assertEquals(new SocketPacket(SocketPacketType.EVENT, "/admin", null, List.of("bar"), 0), decodeAll("2/admin,[\"bar\"]"));
  }

  @Test
  void binaryEventExamples() {
    EncodedPacket one = SocketEncoder.encode(SocketPacket.event("/", List.of("baz", B1234), null));
    assertEquals("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", one.text());
    assertEquals(1, one.attachments().size());
    assertArrayEquals(B1234, one.attachments().get(0));
    assertEquals(List.of(one.text(), one.attachments().get(0)), one.frames());

    EncodedPacket two = SocketEncoder.encode(
        SocketPacket.event("/admin", List.of("baz", new byte[] {1, 2}, new byte[] {3, 4}), null));
    assertEquals("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", two.text());
    assertArrayEquals(new byte[] {3, 4}, two.attachments().get(1));

    SocketPacket decoded = decodeAll("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", B1234);
    assertEquals(SocketPacketType.BINARY_EVENT, decoded.type());
    assertEquals(1, decoded.attachments());
    assertEquals("baz", decoded.eventName());
    assertArrayEquals(B1234, (byte[]) decoded.eventArguments().get(0));

    SocketPacket decoded2 = decodeAll(
        "52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
        new byte[] {1, 2}, new byte[] {3, 4});
    assertEquals("/admin", decoded2.namespace());
    assertArrayEquals(new byte[] {1, 2}, (byte[]) decoded2.eventArguments().get(0));
    assertArrayEquals(new byte[] {3, 4}, (byte[]) decoded2.eventArguments().get(1));
  }

  // ---- README "acknowledgement" table ----

  @Test
  void ackExamples() {
    assertEquals("212[\"foo\"]", text(SocketPacket.event("/", List.of("foo"), 12L)));
    assertEquals("312[]", text(SocketPacket.ack("/", List.of(), 12)));
    assertEquals("2/admin,13[\"foo\"]", text(SocketPacket.event("/admin", List.of("foo"), 13L)));
    assertEquals("3/admin,13[\"bar\"]", text(SocketPacket.ack("/admin", List.of("bar"), 13)));
    assertEquals("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]",
        SocketEncoder.encode(SocketPacket.event("/", List.of("foo", B1234), 14L)).text());
    assertEquals("314[\"bar\"]", text(SocketPacket.ack("/", List.of("bar"), 14)));
    assertEquals("215[\"foo\"]", text(SocketPacket.event("/", List.of("foo"), 15L)));
    assertEquals("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]",
        SocketEncoder.encode(SocketPacket.ack("/", List.of("bar", B1234), 15)).text());

    assertEquals(new SocketPacket(SocketPacketType.EVENT, "/", 12L, List.of("foo"), 0), decodeAll("212[\"foo\"]"));
    assertEquals(new SocketPacket(SocketPacketType.ACK, "/", 12L, List.of(), 0), decodeAll("312[]"));
    assertEquals(new SocketPacket(SocketPacketType.EVENT, "/admin", 13L, List.of("foo"), 0), decodeAll("2/admin,13[\"foo\"]"));
    assertEquals(new SocketPacket(SocketPacketType.ACK, "/admin", 13L, List.of("bar"), 0), decodeAll("3/admin,13[\"bar\"]"));
    SocketPacket binaryEvent = decodeAll("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", B1234);
    assertEquals(14L, binaryEvent.id());
    SocketPacket binaryAck = decodeAll("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", B1234);
    assertEquals(SocketPacketType.BINARY_ACK, binaryAck.type());
    assertEquals(15L, binaryAck.id());
    assertArrayEquals(B1234, (byte[]) ((List<?>) binaryAck.data()).get(1));
  }

  // ---- README "disconnection" table ----

  @Test
  void disconnectExamples() {
    assertEquals("1", text(SocketPacket.disconnect("/")));
    assertEquals("1/admin,", text(SocketPacket.disconnect("/admin")));
    assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/", null, null, 0), decodeAll("1"));
    assertEquals(new SocketPacket(SocketPacketType.DISCONNECT, "/admin", null, null, 0), decodeAll("1/admin,"));
  }

  // ---- the conformance suite's messages ----

  @Test
  void conformanceSuiteMessages() {
    SocketPacket plain = decodeAll("2[\"message\",1,\"2\",{\"3\":[true]}]");
    assertEquals(Arrays.asList("message", 1L, "2", map("3", List.of(true))), plain.data());
    assertEquals("2[\"message-back\",1,\"2\",{\"3\":[true]}]",
        text(SocketPacket.event("/", List.of("message-back", 1L, "2", map("3", List.of(true))), null)));

    SocketPacket withAck = decodeAll("2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
    assertEquals(456L, withAck.id());
    assertEquals("3456[1,\"2\",{\"3\":[false]}]", text(SocketPacket.ack("/", withAck.eventArguments(), 456)));

    SocketPacket binaryWithAck = decodeAll(
        "52-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
        new byte[] {1, 2, 3}, new byte[] {4, 5, 6});
    EncodedPacket answer = SocketEncoder.encode(SocketPacket.ack("/", binaryWithAck.eventArguments(), 789));
    assertEquals("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", answer.text());
    assertArrayEquals(new byte[] {4, 5, 6}, answer.attachments().get(1));
  }

  // ---- values ----

  @Test
  void nestedBinaryBothWays() {
    Map<String, Object> inner = map("blob", new byte[] {9}, "list", List.of(new byte[] {8}, "x"));
    List<Object> args = List.of("nested", map("outer", inner), List.of(List.of(new byte[] {7})));
    EncodedPacket e = SocketEncoder.encode(SocketPacket.event("/", args, 3L));
    assertEquals("53-3[\"nested\",{\"outer\":{\"blob\":{\"_placeholder\":true,\"num\":0},\"list\":"
        + "[{\"_placeholder\":true,\"num\":1},\"x\"]}},[[{\"_placeholder\":true,\"num\":2}]]]", e.text());
    List<Object> frames = e.frames();
    SocketPacket back = decodeAll(frames.toArray());
    Map<?, ?> outer = (Map<?, ?>) ((Map<?, ?>) back.eventArguments().get(0)).get("outer");
    assertArrayEquals(new byte[] {9}, (byte[]) outer.get("blob"));
    assertArrayEquals(new byte[] {8}, (byte[]) ((List<?>) outer.get("list")).get(0));
    assertArrayEquals(new byte[] {7}, (byte[]) ((List<?>) ((List<?>) back.eventArguments().get(1)).get(0)).get(0));
  }

  @Test
  void numbersAndSpecialValues() {
    SocketPacket p = decodeAll("2[\"n\",1,-2,3.5,1e3,9007199254740993,null,\"\\u2028é😀\",false]");
    assertEquals(Arrays.asList("n", 1L, -2L, 3.5, 1000.0, 9007199254740993L, null, "\u2028é😀", false), p.data());
    List<Object> out = new ArrayList<>(Arrays.asList("n", 1, 2.0, 2.5, Double.NaN, Float.POSITIVE_INFINITY, null, 'c', new Object[] {"a"}));
    assertEquals("2[\"n\",1,2,2.5,null,null,null,\"c\",[\"a\"]]", text(SocketPacket.event("/", out, null)));
    assertThrows(IllegalArgumentException.class, () -> SocketEncoder.encode(SocketPacket.event("/", List.of("x", new Object()), null)));
  }

  @Test
  void binaryAttachmentsWithNoPlaceholdersAndZeroCount() {
    SocketPacket p = decodeAll("50-[\"nothing\"]");
    assertEquals(SocketPacketType.BINARY_EVENT, p.type());
    assertEquals(List.of("nothing"), p.data());
  }

  // ---- malformed input ----

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "``|EMPTY_PACKET",
      "abc|UNKNOWN_TYPE",
      "7|UNKNOWN_TYPE",
      "9[\"x\"]|UNKNOWN_TYPE",
      "-1|UNKNOWN_TYPE",
      "2{}|INVALID_PAYLOAD",
      "2[]|INVALID_PAYLOAD",
      "2\"str\"|INVALID_PAYLOAD",
      "2[1,2]|INVALID_PAYLOAD",
      "2[null]|INVALID_PAYLOAD",
      "2|INVALID_PAYLOAD",
      "2[\"disconnect\"]|INVALID_PAYLOAD",
      "2[\"connect\"]|INVALID_PAYLOAD",
      "2abc[\"message-with-ack\",1]|INVALID_ACK_ID",
      "21234567890123456[\"x\"]|INVALID_ACK_ID",
      "2[\"x\"|INVALID_JSON",
      "2[\"x\"]garbage|INVALID_JSON",
      "2[\"x\",NaN]|INVALID_JSON",
      "2['x']|INVALID_JSON",
      "2[\"x\"]]|INVALID_JSON",
      "0\"token\"|INVALID_PAYLOAD",
      "0[1]|INVALID_PAYLOAD",
      "0{\"a\":|INVALID_JSON",
      "012|INVALID_ACK_ID",
      "1{}|INVALID_PAYLOAD",
      "112|INVALID_PAYLOAD",
      "3{}|INVALID_PAYLOAD",
      "3[]|INVALID_ACK_ID",
      "4|INVALID_PAYLOAD",
      "4[1]|INVALID_PAYLOAD",
      "5[\"x\"]|INVALID_ATTACHMENT_COUNT",
      "5-[\"x\"]|INVALID_ATTACHMENT_COUNT",
      "51[\"x\"]|INVALID_ATTACHMENT_COUNT",
      "5a-[\"x\"]|INVALID_ATTACHMENT_COUNT",
      "51234567-[\"x\"]|INVALID_ATTACHMENT_COUNT",
      "511-[\"x\"]|TOO_MANY_ATTACHMENTS",
      "6|INVALID_ATTACHMENT_COUNT",
  })
  void malformedText(String input, Problem expected) {
    SocketDecoder decoder = new SocketDecoder(10, 1000);
    SocketParseException e = assertThrows(SocketParseException.class, () -> decoder.add(input == null ? "" : input));
    assertEquals(expected, e.problem(), e.getMessage());
    assertFalse(decoder.isReassembling());
  }

  @Test
  void controlCharacterInNamespace() {
    SocketParseException e = assertThrows(SocketParseException.class, () -> new SocketDecoder(1, 1).add("0/a\u0000b,"));
    assertEquals(Problem.INVALID_NAMESPACE, e.problem());
    e = assertThrows(SocketParseException.class, () -> new SocketDecoder(1, 1).add("0/" + "a".repeat(300) + ","));
    assertEquals(Problem.INVALID_NAMESPACE, e.problem());
  }

  @Test
  void deeplyNestedJsonIsRefused() {
    String deep = "2[\"x\"," + "[".repeat(5000) + "]".repeat(5000) + "]";
    SocketParseException e = assertThrows(SocketParseException.class, () -> new SocketDecoder(1, 1).add(deep));
    assertEquals(Problem.INVALID_JSON, e.problem());
  }

  @Test
  void binaryFrameWhenNoneExpected() {
    SocketDecoder decoder = new SocketDecoder(10, 1000);
    SocketParseException e = assertThrows(SocketParseException.class, () -> decoder.add(new byte[] {1}));
    assertEquals(Problem.UNEXPECTED_BINARY, e.problem());
  }

  @Test
  void textFrameWhileReassembling() {
    SocketDecoder decoder = new SocketDecoder(10, 1000);
    assertNull(decoder.add("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"));
    assertTrue(decoder.isReassembling());
    SocketParseException e = assertThrows(SocketParseException.class, () -> decoder.add("2[\"y\"]"));
    assertEquals(Problem.UNEXPECTED_TEXT, e.problem());
    assertFalse(decoder.isReassembling());
    assertEquals("y", decoder.add("2[\"y\"]").eventName(), "the decoder is usable again after an error");
  }

  @Test
  void attachmentsOverTheByteLimit() {
    SocketDecoder decoder = new SocketDecoder(10, 5);
    assertNull(decoder.add("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
    assertNull(decoder.add(new byte[3]));
    SocketParseException e = assertThrows(SocketParseException.class, () -> decoder.add(new byte[3]));
    assertEquals(Problem.ATTACHMENTS_TOO_LARGE, e.problem());
  }

  @Test
  void placeholderOutOfRange() {
    SocketDecoder decoder = new SocketDecoder(10, 1000);
    assertNull(decoder.add("51-[\"x\",{\"_placeholder\":true,\"num\":1}]"));
    SocketParseException e = assertThrows(SocketParseException.class, () -> decoder.add(new byte[] {1}));
    assertEquals(Problem.INVALID_PLACEHOLDER, e.problem());
    SocketParseException e2 = assertThrows(SocketParseException.class,
        () -> new SocketDecoder(10, 1000).add("50-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]"));
    assertEquals(Problem.INVALID_PLACEHOLDER, e2.problem());
  }

  @Test
  void unsupportedFrameType() {
    SocketParseException e = assertThrows(SocketParseException.class, () -> new SocketDecoder(1, 1).add(42));
    assertEquals(Problem.UNSUPPORTED_FRAME, e.problem());
  }

  @Test
  void encoderRefusesBinaryInConnect() {
    assertThrows(IllegalArgumentException.class,
        () -> SocketEncoder.encode(SocketPacket.connect("/", map("b", new byte[1]))));
  }
}
