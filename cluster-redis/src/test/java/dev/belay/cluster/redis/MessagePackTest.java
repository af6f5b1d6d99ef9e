package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MessagePack codec against bytes produced by the Node adapter's encoder
 * ({@code @msgpack/msgpack} 2.8, printed by {@code transports/src/test/node/cluster-vectors.mjs}).
 */
class MessagePackTest {
  private static final HexFormat HEX = HexFormat.of();

  private static void assertEncodes(String hex, Object value) throws ClusterWireException {
    assertEquals(hex, HEX.formatHex(MessagePack.encode(value)), "encoding " + value);
  }

  @Test
  void scalarsAreEncodedAsNodeEncodesThem() throws Exception {
    List<Object> values = Arrays.asList(null, true, false, 0L, 127L, 128L, 255L, 256L, 65535L, 65536L, 4294967296L,
        -1L, -32L, -33L, -128L, -129L, -32768L, -32769L, 1.5, "", "é", "a".repeat(32));
    List<String> node = List.of("c0", "c3", "c2", "00", "7f", "cc80", "ccff", "cd0100", "cdffff", "ce00010000",
        "cf0000000100000000", "ff", "e0", "d0df", "d080", "d1ff7f", "d18000", "d2ffff7fff", "cb3ff8000000000000", "a0",
        "a2c3a9", "d9206161616161616161616161616161616161616161616161616161616161616161");
    for (int i = 0; i < values.size(); i++) {
      assertEncodes(node.get(i), values.get(i));
      assertEquals(values.get(i), MessagePack.decode(HEX.parseHex(node.get(i))), "decoding " + node.get(i));
    }
  }

  @Test
  void integralDoublesAreIntegersAsInJavaScript() throws Exception {
    assertEncodes("cd07d0", 2000.0);
    assertEncodes("02", 2);
    assertEncodes("cb3ff8000000000000", 1.5f);
  }

  @Test
  void nestedMapsArraysAndBinaryRoundTripInOrder() throws Exception {
    // {type: 9, data: {packet: ["bin", <01 02 03>]}, uid: "bbbbbbbbbbbbbbbb", nsp: "/"} from Node
    String hex = "84a47479706509a46461746181a67061636b657492a362696ec403010203a3756964b0"
        + "62626262626262626262626262626262a36e7370a12f";
    @SuppressWarnings("unchecked")
    Map<String, Object> decoded = (Map<String, Object>) MessagePack.decode(HEX.parseHex(hex));
    assertEquals(List.of("type", "data", "uid", "nsp"), new ArrayList<>(decoded.keySet()));
    @SuppressWarnings("unchecked")
    List<Object> packet = (List<Object>) ((Map<String, Object>) decoded.get("data")).get("packet");
    assertEquals("bin", packet.get(0));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) packet.get(1));

    Map<String, Object> again = new LinkedHashMap<>();
    again.put("type", 9L);
    again.put("data", Map.of("packet", List.of("bin", new byte[] {1, 2, 3})));
    again.put("uid", "bbbbbbbbbbbbbbbb");
    again.put("nsp", "/");
    assertEncodes(hex, again);
  }

  @Test
  void timestampExtensionBecomesIsoText() throws Exception {
    assertEquals("1970-01-01T00:00:01Z", MessagePack.decode(HEX.parseHex("d6ff00000001")));
  }

  @Test
  void malformedInputIsATypedError() {
    for (String bad : List.of("", "c1", "92c0", "a5616263", "c0c0", "d40102", "81c0c0", "c4ff00")) {
      assertThrows(ClusterWireException.class, () -> MessagePack.decode(HEX.parseHex(bad)), bad);
    }
    assertThrows(ClusterWireException.class, () -> MessagePack.decode(HEX.parseHex("91".repeat(200) + "c0")));
  }

  @Test
  void unsupportedJavaValuesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> MessagePack.encode(new Object()));
    assertThrows(IllegalArgumentException.class, () -> MessagePack.encode(Map.of(1, "x")));
  }
}
