package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stream entries and Pub/Sub payloads against what the Node adapter writes (literal values printed
 * by {@code transports/src/test/node/cluster-vectors.mjs}).
 */
class ClusterWireTest {
  private static final HexFormat HEX = HexFormat.of();

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  @Test
  void plainBroadcastIsAJsonStreamEntry() throws Exception {
    Map<String, Object> data = map("packet", map("type", 2L, "data", List.of("hello", "world"), "nsp", "/"),
        "opts", map("rooms", List.of("r"), "except", List.of("x"), "flags", map()));
    Map<String, String> fields = ClusterWire.toStreamFields(new ClusterWireMessage("u1", "/", 3, data));
    assertEquals(List.of("uid", "nsp", "type", "data"), List.copyOf(fields.keySet()));
    assertEquals("3", fields.get("type"));
    assertEquals("{\"packet\":{\"type\":2,\"data\":[\"hello\",\"world\"],\"nsp\":\"/\"},"
        + "\"opts\":{\"rooms\":[\"r\"],\"except\":[\"x\"],\"flags\":{}}}", fields.get("data"));
    assertEquals(data, ClusterWire.fromStreamFields(fields).data());
  }

  @Test
  void binaryBroadcastIsBase64MessagePack() throws Exception {
    String node = "gqZwYWNrZXSDpHR5cGUCpGRhdGGSo2ltZ8QC/wCjbnNwoS+kb3B0c4Olcm9vbXOQpmV4Y2VwdJClZmxhZ3OA";
    Map<String, Object> data = map("packet", map("type", 2L, "data", List.of("img", new byte[] {(byte) 255, 0}),
        "nsp", "/"), "opts", map("rooms", List.of(), "except", List.of(), "flags", map()));
    Map<String, String> fields = ClusterWire.toStreamFields(new ClusterWireMessage("u1", "/", 3, data));
    assertEquals(node, fields.get("data"));

    ClusterWireMessage read = ClusterWire.fromStreamFields(Map.of("uid", "n", "nsp", "/", "type", "3", "data", node));
    @SuppressWarnings("unchecked")
    List<Object> args = (List<Object>) ((Map<String, Object>) read.data().get("packet")).get("data");
    assertArrayEquals(new byte[] {(byte) 255, 0}, (byte[]) args.get(1));
  }

  @Test
  void binaryInATypeThatCannotCarryItStaysJson() {
    Map<String, String> fields = ClusterWire.toStreamFields(new ClusterWireMessage("u", "/", 4,
        map("opts", map("rooms", List.of(), "except", List.of(), "flags", map()), "rooms", List.of("a"))));
    assertTrue(fields.get("data").startsWith("{"));
  }

  @Test
  void heartbeatHasNoDataField() throws Exception {
    Map<String, String> fields = ClusterWire.toStreamFields(new ClusterWireMessage("u", "/", 2, null));
    assertEquals(Map.of("uid", "u", "nsp", "/", "type", "2"), fields);
    assertNull(ClusterWire.fromStreamFields(fields).data());
  }

  @Test
  void pubSubPayloadMatchesNodeBytes() throws Exception {
    String node = "84a4747970650ba46461746182a9726571756573744964a27231ab636c69656e74436f756e7402a3756964b0"
        + "63636363636363636363636363636363a36e7370a12f";
    ClusterWireMessage count = new ClusterWireMessage("cccccccccccccccc", "/", 11,
        map("requestId", "r1", "clientCount", 2L));
    assertEquals(node, HEX.formatHex(ClusterWire.toPubSub(count)));
    assertEquals(count, ClusterWire.fromPubSub(HEX.parseHex(node)));
  }

  @Test
  void broadcastWithAckFromNodeDecodes() throws Exception {
    String node = "84a47479706503a46461746183a67061636b657483a47479706502a46461746193a568656c6c6f0181a16192c3c0"
        + "a36e7370a12fa9726571756573744964b030313233343536373839616263646566a46f70747383a5726f6f6d7391a5726f6f6d31"
        + "a665786365707490a5666c61677381a774696d656f7574cd07d0a3756964b061616161616161616161616161616161a36e7370a12f";
    ClusterWireMessage message = ClusterWire.fromPubSub(HEX.parseHex(node));
    assertEquals(3, message.type());
    assertTrue(message.isEphemeral());
    assertEquals("0123456789abcdef", message.data().get("requestId"));
    assertEquals(map("timeout", 2000L), ((Map<?, ?>) message.data().get("opts")).get("flags"));
  }

  @Test
  void ephemeralTypesFollowTheNodeAdapter() {
    assertFalse(new ClusterWireMessage("u", "/", 3, map("packet", map())).isEphemeral());
    assertTrue(new ClusterWireMessage("u", "/", 9, map("packet", List.of())).isEphemeral());
    assertTrue(new ClusterWireMessage("u", "/", 7, map()).isEphemeral());
    assertFalse(new ClusterWireMessage("u", "/", 4, map()).isEphemeral());
  }

  @Test
  void malformedEntriesAreTypedErrors() {
    List<Map<String, String>> bad = List.of(Map.of("nsp", "/", "type", "3"), Map.of("uid", "u", "type", "3"),
        Map.of("uid", "u", "nsp", "/", "type", "x"), Map.of("uid", "u", "nsp", "/", "type", "3", "data", "{bad"),
        Map.of("uid", "u", "nsp", "/", "type", "3", "data", "%%%"),
        Map.of("uid", "u", "nsp", "/", "type", "3", "data", Base64.getEncoder().encodeToString(new byte[] {(byte) 0x92})),
        Map.of("uid", "u", "nsp", "/", "type", "3", "data", "[1]"));
    for (Map<String, String> fields : bad) {
      assertThrows(ClusterWireException.class, () -> ClusterWire.fromStreamFields(fields), fields.toString());
    }
    for (String hex : List.of("c0", "80", "81a3756964a175", "83a3756964a175a36e7370a12fa474797065a178")) {
      assertThrows(ClusterWireException.class, () -> ClusterWire.fromPubSub(HEX.parseHex(hex)), hex);
    }
    assertFalse(ClusterWire.isClusterEntry(Map.of("uid", "u")));
  }
}
