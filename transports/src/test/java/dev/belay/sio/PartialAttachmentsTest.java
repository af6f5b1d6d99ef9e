package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.DisconnectReason;
import dev.belay.testing.Await;
import dev.belay.testing.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that announce binary attachments and never send them all: the server-wide budget of
 * bytes in incomplete packets holds (the connections that would cross it are closed with "parse
 * error"), a packet that stays incomplete is closed after attachmentTimeout, and a normal client
 * still connects and echoes meanwhile.
 */
class PartialAttachmentsTest {
  private static final int ATTACHMENTS = 10;
  private static final int ATTACHMENT_BYTES = 100_000;
  private static final long BUDGET = 2_000_000; // room for two offenders' 9 x 100 KB, not three

  private final BlockingQueue<DisconnectReason> reasons = new LinkedBlockingQueue<>();
  private SioServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private void start(Duration attachmentTimeout) {
    // Heartbeats slow enough that an offender, which never answers pings, is not closed by them.
    server = SioServer.start(
        e -> e.pingInterval(Duration.ofSeconds(25)).pingTimeout(Duration.ofSeconds(20)),
        o -> o.attachmentTimeout(attachmentTimeout).maxPendingAttachmentBytes(BUDGET),
        io -> io.on("connection", socket -> {
          socket.onDisconnect(reasons::add);
          socket.on("echo", (args, ack) -> ack.send(args.toArray()));
        }));
  }

  private RawWebSocket connect() {
    RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
    assertTrue(ws.nextText().startsWith("0{"));
    ws.sendText("40");
    assertTrue(((String) ws.nextSkippingPings()).startsWith("40{\"sid\":"));
    return ws;
  }

  /** Announces ten attachments and sends nine, stopping early if the server closes the connection. */
  private static void sendNineOfTen(RawWebSocket ws) {
    StringBuilder header = new StringBuilder("45" + ATTACHMENTS + "-[\"echo\"");
    for (int i = 0; i < ATTACHMENTS; i++) header.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    ws.sendText(header.append(']').toString());
    for (int i = 0; i < ATTACHMENTS - 1 && !ws.closed.isDone(); i++) {
      ws.trySendBinary(new byte[ATTACHMENT_BYTES]);
    }
  }

  private static long openCount(List<RawWebSocket> sockets) {
    return sockets.stream().filter(ws -> !ws.closed.isDone()).count();
  }

  @Test
  void serverWideBudgetClosesTheConnectionsThatWouldCrossItAndOthersGoOn() {
    start(Duration.ofSeconds(60));
    RawWebSocket bystander = connect();
    List<RawWebSocket> offenders = new ArrayList<>();
    for (int i = 0; i < 10; i++) offenders.add(connect());
    for (RawWebSocket ws : offenders) sendNineOfTen(ws);

    // 10 x 900 KB were sent against a 2 MB budget: at most two offenders can hold theirs.
    Await.until(() -> openCount(offenders) <= 2, "the offenders beyond the budget to be closed");
    for (int i = 0; i < offenders.size() - openCount(offenders); i++) {
      assertEquals(DisconnectReason.PARSE_ERROR, Await.take(reasons, "an offender's disconnect reason"));
    }

    // A normal client connects and echoes, binary included, while the budget is nearly full.
    RawWebSocket newcomer = connect();
    newcomer.sendText("451-0[\"echo\",{\"_placeholder\":true,\"num\":0}]");
    newcomer.sendBinary(new byte[] {1, 2, 3});
    assertEquals("461-0[{\"_placeholder\":true,\"num\":0}]", newcomer.nextSkippingPings());
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) newcomer.nextSkippingPings());
    bystander.sendText("420[\"echo\",\"still fine\"]");
    assertEquals("430[\"still fine\"]", bystander.nextSkippingPings());
    assertFalse(bystander.closed.isDone());
  }

  @Test
  void packetStillIncompleteAfterTheTimeoutClosesItsConnection() {
    start(Duration.ofMillis(500));
    RawWebSocket bystander = connect();
    RawWebSocket offender = connect();
    sendNineOfTen(offender);
    Await.get(offender.closed, "the offender to be closed after attachmentTimeout");
    assertEquals(DisconnectReason.PARSE_ERROR, Await.take(reasons, "the offender's disconnect reason"));

    bystander.sendText("420[\"echo\",\"still fine\"]");
    assertEquals("430[\"still fine\"]", bystander.nextSkippingPings());
  }
}
