package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine lane: inline where work arrives, or on the session's I/O thread when it has one. */
class EngineLaneTest {

  /** A single-thread executor standing in for an I/O thread. */
  private static final class FakeIoThread implements IoThread {
    final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-io"));
    int handOffs; // touched only by the submitting test thread

    @Override public boolean isCurrent() {
      return Thread.currentThread().getName().equals("fake-io");
    }

    @Override public void execute(Runnable task) {
      handOffs++;
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
    release.complete(null);
    done.get(10, TimeUnit.SECONDS);
    assertEquals(1, io.handOffs, "one hand-off while the lane was busy, not one per task");
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
    assertEquals(0, io.handOffs);
    io.thread.shutdown();
  }
}
