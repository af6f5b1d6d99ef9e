package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialLaneTest {
  @Test
  void tasksFromManyThreadsNeverOverlapAndAllRun() throws Exception {
    SerialLane lane = new SerialLane();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    int threads = 8;
    int perThread = 2000;
    CountDownLatch done = new CountDownLatch(threads * perThread);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          lane.execute(() -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
            done.countDown();
          });
        }
      });
      thread.start();
      started.add(thread);
    }
    assertTrue(done.await(10, TimeUnit.SECONDS));
    for (Thread thread : started) thread.join();
    assertEquals(1, maxRunning.get());
  }

  @Test
  void orderIsKeptAndReentrantCallsRunInline() {
    SerialLane lane = new SerialLane();
    List<String> order = new ArrayList<>();
    lane.execute(() -> {
      order.add("a");
      lane.execute(() -> order.add("queued"));
      lane.runNowOrLater(() -> order.add("inline"));
      order.add("b");
    });
    assertEquals(List.of("a", "inline", "b", "queued"), order);
  }

  @Test
  void aFailingTaskDoesNotStopTheLane() {
    SerialLane lane = new SerialLane();
    List<String> order = new ArrayList<>();
    lane.execute(() -> {
      lane.execute(() -> { throw new IllegalStateException("boom"); });
      lane.execute(() -> order.add("after"));
    });
    assertEquals(List.of("after"), order);
  }
}
