package dev.belay.engine;

import dev.belay.binding.IoThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine lane: inline where work arrives, or on the session's I/O thread when it has one. */
class EngineLaneTest {

  /** A single-thread executor standing in for an I/O thread. */
  private static final class FakeIoThread implements IoThread {
    final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-io"));
    final AtomicInteger handOffs = new AtomicInteger();

    @Override public boolean isCurrent() {
      return Thread.currentThread().getName().equals("fake-io");
    }

    @Override public void execute(Runnable task) {
      handOffs.incrementAndGet();
      thread.execute(task);
    }
  }

  @Test
  void withoutAHomeTasksRunInlineOnTheSubmitter() {
    SerialLane lane = new SerialLane(null);
    List<String> ran = new ArrayList<>();
    lane.execute(() -> ran.add(Thread.currentThread().getName()));
    assertEquals(List.of(Thread.currentThread().getName()), ran);
  }

  @Test
  void workFromAnotherThreadIsDrainedOnTheHomeThreadInOrder() throws Exception {
    FakeIoThread io = new FakeIoThread();
    SerialLane lane = new SerialLane(null);
    lane.home(io);
    List<Integer> order = new ArrayList<>(); // written only on the lane
    List<String> threads = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    // Hold the home thread so that the next tasks queue up behind the first drain.
    CompletableFuture<Void> release = new CompletableFuture<>();
    lane.execute(release::join);
    for (int i = 0; i < 1000; i++) {
      int n = i;
      lane.execute(() -> {
        order.add(n);
        threads.add(Thread.currentThread().getName());
      });
    }
    lane.execute(() -> done.complete(null));
    // Another connection's work on the same I/O thread, queued behind the lane's first drain.
    List<Integer> lanePositionWhenOtherRan = new ArrayList<>();
    io.thread.execute(() -> lanePositionWhenOtherRan.add(order.size()));
    release.complete(null);
    done.get(10, TimeUnit.SECONDS);
    // 1,002 tasks: the first hand-off, then the drain steps aside every 256 tasks (3 times).
    assertEquals(4, io.handOffs.get(), "a hand-off per 256 tasks, not one per task");
    assertEquals(List.of(255), lanePositionWhenOtherRan, "the other connection ran after the lane's first 256 tasks");
    for (int i = 0; i < 1000; i++) assertEquals(i, order.get(i));
    assertEquals(List.of("fake-io"), threads.stream().distinct().toList());
    io.thread.shutdown();
  }

  @Test
  void workOnTheHomeThreadRunsThereAtOnce() throws Exception {
    FakeIoThread io = new FakeIoThread();
    SerialLane lane = new SerialLane(null);
    lane.home(io);
    CompletableFuture<String> ranOn = new CompletableFuture<>();
    io.thread.submit(() -> {
      List<String> ran = new ArrayList<>();
      lane.execute(() -> ran.add("inline"));
      ranOn.complete(ran.isEmpty() ? "later" : ran.get(0));
    }).get(10, TimeUnit.SECONDS);
    assertSame("inline", ranOn.get());
    assertEquals(0, io.handOffs.get());
    io.thread.shutdown();
  }
}
