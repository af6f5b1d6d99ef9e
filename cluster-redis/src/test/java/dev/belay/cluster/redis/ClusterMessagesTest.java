package dev.belay.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.adapter.BroadcastFlags;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.adapter.ClusterMessage;
import dev.belay.adapter.ClusterResponse;
import dev.belay.parser.SocketPacket;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Typed cluster records to the Node adapter's wire shapes and back, from literal Node bytes. */
class ClusterMessagesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void broadcastWithAckFromNodeBecomesATypedBroadcast() throws Exception {
    // {type: 3, data: {packet: {type: 2, data: ["hello", 1, {a: [true, null]}], nsp: "/"}, requestId, opts}, uid, nsp}
    String node = "84a47479706503a46461746183a67061636b657483a47479706502a46461746193a568656c6c6f0181a16192c3c0"
        + "a36e7370a12fa9726571756573744964b030313233343536373839616263646566a46f70747383a5726f6f6d7391a5726f6f6d31"
        + "a665786365707490a5666c61677381a774696d656f7574cd07d0a3756964b061616161616161616161616161616161a36e7370a12f";
    ClusterMessage message = ClusterMessages.message(ClusterWire.fromPubSub(HEX.parseHex(node)));
    ClusterMessage.Broadcast broadcast = assertInstanceOf(ClusterMessage.Broadcast.class, message);
    assertEquals("0123456789abcdef", broadcast.requestId());
    assertEquals(Set.of("room1"), broadcast.opts().rooms());
    assertEquals(2000L, broadcast.opts().flags().timeout());
    assertEquals("hello", broadcast.packet().eventName());
    assertNull(broadcast.packet().id());
  }

  @Test
  void plainBroadcastLeavesRequestIdOutAndWritesNodeShapes() {
    SocketPacket packet = SocketPacket.event("/", List.of("msg", "hi"), null);
    BroadcastOptions opts = new BroadcastOptions(Set.of("r"), Set.of(), BroadcastFlags.NONE.withVolatile(true));
    ClusterWireMessage wire = ClusterMessages.toWire(new ClusterMessage.Broadcast("u", "/", packet, opts, null));
    assertFalse(wire.data().containsKey("requestId"), "an absent requestId must be absent, not null");
    assertFalse(wire.isEphemeral());
    assertEquals(Map.of("type", 2, "data", List.of("msg", "hi")), wire.data().get("packet"));
    assertEquals(Map.of("rooms", List.of("r"), "except", List.of(), "flags", Map.of("volatile", true)),
        wire.data().get("opts"));
    assertEquals("{\"packet\":{\"type\":2,\"data\":[\"msg\",\"hi\"]},\"opts\":{\"rooms\":[\"r\"],\"except\":[],"
        + "\"flags\":{\"volatile\":true}}}", ClusterWire.toStreamFields(wire).get("data"));
  }

  @Test
  void responsesRoundTrip() throws Exception {
    ClusterWireMessage count = ClusterMessages.toWire(new ClusterResponse.BroadcastClientCount("u", "/", "r1", 2));
    assertTrue(ClusterMessages.isResponse(count.type()));
    // what Node publishes for the same response (cluster-vectors.mjs)
    assertEquals("84a4747970650ba46461746182a9726571756573744964a27231ab636c69656e74436f756e7402a3756964a175a36e7370a12f",
        HEX.formatHex(ClusterWire.toPubSub(count)));
    ClusterResponse back = ClusterMessages.response(ClusterWire.fromPubSub(ClusterWire.toPubSub(count)));
    assertEquals(new ClusterResponse.BroadcastClientCount("u", "/", "r1", 2), back);
  }

  @Test
  void wrongShapesAreTypedErrors() {
    List<ClusterWireMessage> bad = List.of(
        new ClusterWireMessage("u", "/", 3, null),
        new ClusterWireMessage("u", "/", 3, Map.of("packet", Map.of("type", 2L, "data", List.of()), "opts", Map.of())),
        new ClusterWireMessage("u", "/", 3, Map.of("packet", Map.of("type", 0L, "data", List.of("x")), "opts", Map.of())),
        new ClusterWireMessage("u", "/", 4, Map.of("opts", Map.of(), "rooms", List.of(1L))),
        new ClusterWireMessage("u", "/", 7, Map.of("opts", Map.of())));
    for (ClusterWireMessage wire : bad) {
      assertThrows(ClusterWireException.class, () -> ClusterMessages.message(wire), wire.toString());
    }
    assertThrows(ClusterWireException.class, () -> ClusterMessages.response(
        new ClusterWireMessage("u", "/", 11, Map.of("requestId", "r", "clientCount", -1L))));
    assertNull(assertDoesNotThrowUnknown());
  }

  private static ClusterMessage assertDoesNotThrowUnknown() {
    try {
      return ClusterMessages.message(new ClusterWireMessage("u", "/", 99, null));
    } catch (ClusterWireException e) {
      throw new AssertionError(e);
    }
  }
}
