package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.DisconnectReason;
import dev.belay.testing.Await;
import dev.belay.testing.RawWebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed Socket.IO input closes only the session that sent it, with reason "parse error". */
class ParseErrorTest {
  private final BlockingQueue<DisconnectReason> reasons = new LinkedBlockingQueue<>();
  private final SioServer server = SioServer.start(io -> io.on("connection", socket -> {
    socket.onDisconnect(reasons::add);
    socket.on("echo", (args, ack) -> ack.send(args.toArray()));
  }));

  @AfterEach
  void stop() {
    server.close();
  }

  private RawWebSocket connect() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    assertTrue(ws.nextText().startsWith("0{"));
    ws.sendText("40");
    assertTrue(((String) ws.nextSkippingPings()).startsWith("40{\"sid\":"));
    return ws;
  }

  @ParameterizedTest
  @ValueSource(strings = {"4abc", "42{}", "42abc[\"echo\"]", "49", "42[\"echo\"", "42[\"disconnect\"]",
      "451-[\"echo\",{\"_placeholder\":true,\"num\":5}]", "4511-[\"echo\"]"})
  void malformedPacketClosesOnlyItsSession(String input) {
    RawWebSocket bystander = connect();
    RawWebSocket offender = connect();
    offender.sendText(input);
    if (input.startsWith("451-")) offender.sendBinary(new byte[] {1});
    Await.get(offender.closed, "the offending session to close");
    assertEquals(DisconnectReason.PARSE_ERROR, Await.take(reasons, "the disconnect reason"));

    bystander.sendText("420[\"echo\",\"still fine\"]");
    assertEquals("430[\"still fine\"]", bystander.nextSkippingPings());
    assertFalse(bystander.closed.isDone());
    bystander.close();
  }

  @Test
  void binaryFrameWhenNoneIsExpected() {
    RawWebSocket offender = connect();
    offender.sendBinary(new byte[] {1, 2, 3});
    Await.get(offender.closed, "the offending session to close");
    assertEquals(List.of(DisconnectReason.PARSE_ERROR), List.of(Await.take(reasons, "the disconnect reason")));
  }
}
