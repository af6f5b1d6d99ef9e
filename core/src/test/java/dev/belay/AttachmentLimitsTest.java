package dev.belay;

import dev.belay.engine.EngineOptions;
import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Binary packets that never complete: the attachment timeout closes their connection, and the
 * server-wide budget of bytes in incomplete packets closes the connection that would cross it.
 * Fake engine sessions and a fake clock.
 */
class AttachmentLimitsTest {
  private static final String TWO_ATTACHMENTS =
      "52-[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";

  private final FakeScheduler clock = new FakeScheduler();
  private final Server server = new Server(
      ServerOptions.builder()
          .attachmentTimeout(Duration.ofSeconds(10))
          .maxPendingAttachmentBytes(1_000)
          .engine(EngineOptions.builder().scheduler(clock).executor(Runnable::run).build())
          .build());
  private final AtomicReference<List<Object>> uploaded = new AtomicReference<>();

  AttachmentLimitsTest() {
    server.on("connection", socket -> socket.on("upload", (args, ack) -> uploaded.set(args)));
  }

  private FakeEngineSocket joinedClient() {
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    conn.receive("0");
    assertTrue(conn.lastText().startsWith("0{\"sid\":"), "joined /");
    return conn;
  }

  @Test
  void incompletePacketClosesTheConnectionAfterTheTimeout() {
    FakeEngineSocket conn = joinedClient();
    conn.receive(TWO_ATTACHMENTS);
    conn.receive(new byte[100]);
    clock.advance(Duration.ofSeconds(9));
    assertNull(conn.closeReason, "still open before the timeout");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(CloseReason.PARSE_ERROR, conn.closeReason);
    assertEquals(0, server.attachmentBudget().held(), "its bytes went back to the budget");
    assertNull(uploaded.get());
  }

  @Test
  void packetCompleteInTimeIsDeliveredAndItsTimerStopped() {
    FakeEngineSocket conn = joinedClient();
    int timersBefore = clock.pending();
    conn.receive(TWO_ATTACHMENTS);
    clock.advance(Duration.ofSeconds(9));
    conn.receive(new byte[] {1});
    conn.receive(new byte[] {2, 3});
    assertEquals(timersBefore, clock.pending(), "the attachment timer is cancelled");
    clock.advance(Duration.ofSeconds(60));
    assertNull(conn.closeReason);
    assertArrayEquals(new byte[] {2, 3}, (byte[]) uploaded.get().get(1));
    assertEquals(0, server.attachmentBudget().held());
  }

  @Test
  void eachPacketGetsItsOwnTimeout() {
    FakeEngineSocket conn = joinedClient();
    conn.receive(TWO_ATTACHMENTS);
    conn.receive(new byte[] {1});
    clock.advance(Duration.ofSeconds(8));
    conn.receive(new byte[] {2});
    conn.receive(TWO_ATTACHMENTS);
    clock.advance(Duration.ofSeconds(8));
    assertNull(conn.closeReason, "the second packet's 10 s started when it did");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(CloseReason.PARSE_ERROR, conn.closeReason);
  }

  @Test
  void connectionCrossingTheServerWideBudgetIsClosedAndOthersGoOn() {
    FakeEngineSocket first = joinedClient();
    FakeEngineSocket second = joinedClient();
    first.receive(TWO_ATTACHMENTS);
    first.receive(new byte[600]);
    second.receive(TWO_ATTACHMENTS);
    second.receive(new byte[300]);
    assertEquals(900, server.attachmentBudget().held());

    second.receive(new byte[200]); // 1,100 > 1,000
    assertEquals(CloseReason.PARSE_ERROR, second.closeReason);
    assertEquals(600, server.attachmentBudget().held(), "the closed connection's bytes are given back");

    assertNull(first.closeReason);
    first.receive(new byte[400]);
    assertEquals(400, ((byte[]) uploaded.get().get(1)).length, "the first connection's packet completes");
    assertEquals(0, server.attachmentBudget().held());
  }

  @Test
  void closingTheConnectionGivesItsBytesBack() {
    FakeEngineSocket conn = joinedClient();
    conn.receive(TWO_ATTACHMENTS);
    conn.receive(new byte[500]);
    conn.close(CloseReason.TRANSPORT_CLOSE);
    assertEquals(0, server.attachmentBudget().held());
    assertEquals(0, clock.pending(), "no timer is left behind");
  }
}
