package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.engine.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Broadcasts from several threads at once reach a client in the order of their offsets: a client
 * resumes after the last offset it got, so one that got a later packet before an earlier one
 * would be sent the earlier one again on recovery.
 */
class RecoveryOffsetOrderTest {
  @Test
  void concurrentBroadcastsArriveInOffsetOrder() throws Exception {
    Server server = new Server(ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxStoredPackets(100_000))
        .engine(EngineOptions.builder().executor(Runnable::run).build())
        .build());
    FakeEngineSocket conn = new FakeEngineSocket();
    server.attach(conn);
    conn.receive("0");
    conn.clearSent();
    int threads = 4;
    int each = 5_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread sender = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) server.emit("n", i);
      });
      sender.start();
      senders.add(sender);
    }
    start.countDown();
    for (Thread sender : senders) sender.join();

    List<String> texts = conn.texts();
    assertEquals(threads * each, texts.size());
    long previous = -1;
    int inversions = 0;
    for (String text : texts) {
      long sequence = Long.parseLong(text.substring(text.lastIndexOf('-') + 1, text.length() - 2));
      if (sequence < previous) inversions++;
      previous = Math.max(previous, sequence);
    }
    assertEquals(0, inversions, "packets delivered out of offset order");
    server.close();
  }
}
