package dev.belay.engine;

import dev.belay.binding.IoThread;
import dev.belay.testing.FakeScheduler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one lane type, against the rules in its Javadoc: order, no overlap, never nested, failures
 * contained, which thread drains (submitter, runner, home I/O thread), fairness on a shared thread.
 */
class SerialLaneTest {

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

  /** A runner that holds drains until the test runs them: a worker pool under the test's control. */
  private static final class ManualRunner implements java.util.concurrent.Executor {
    final ArrayDeque<Runnable> drains = new ArrayDeque<>();

    @Override public void execute(Runnable drain) {
      drains.add(drain);
    }

    void runAll() {
      for (Runnable r; (r = drains.poll()) != null; ) r.run();
    }
  }

  @Test
  void tasksFromManyThreadsNeverOverlapAndAllRun() throws Exception {
    SerialLane lane = new SerialLane(null);
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
    assertTrue(done.await(30, TimeUnit.SECONDS), "every task ran");
    for (Thread thread : started) thread.join();
    assertEquals(1, maxRunning.get(), "never two tasks at once");
  }

  @Test
  void aTaskSubmittedFromATaskRunsAfterItNeverNested() {
    SerialLane lane = new SerialLane(null);
    List<String> order = new ArrayList<>();
    lane.execute(() -> {
      order.add("a");
      lane.execute(() -> order.add("queued"));
      order.add("b");
    });
    lane.execute(() -> order.add("next"));
    assertEquals(List.of("a", "b", "queued", "next"), order);
  }

  @Test
  void aFailingTaskDoesNotStopTheLane() {
    SerialLane lane = new SerialLane(null);
    List<String> order = new ArrayList<>();
    lane.execute(() -> {
      lane.execute(() -> { throw new IllegalStateException("boom"); });
      lane.execute(() -> order.add("after"));
    });
    assertEquals(List.of("after"), order);
  }

  @Test
  void withARunnerTheDrainRunsThereOnceForAllQueuedTasks() {
    ManualRunner workers = new ManualRunner();
    SerialLane lane = new SerialLane(workers);
    List<String> order = new ArrayList<>();
    lane.execute(() -> order.add("1"));
    lane.execute(() -> order.add("2"));
    assertEquals(List.of(), order, "nothing runs on the submitting thread");
    assertEquals(1, workers.drains.size(), "one hand-off for both tasks");
    workers.runAll();
    assertEquals(List.of("1", "2"), order);
    lane.execute(() -> order.add("3"));
    assertEquals(1, workers.drains.size(), "an idle lane hands off again");
    workers.runAll();
    assertEquals(List.of("1", "2", "3"), order);
  }

  @Test
  void aTimerAndATaskFromAnotherThreadJoinTheOrderBehindQueuedWork() {
    // A packet is being handled; a middleware finishes and a timer fires meanwhile: both wait.
    ManualRunner workers = new ManualRunner();
    FakeScheduler clock = new FakeScheduler();
    SerialLane lane = new SerialLane(workers);
    List<String> order = new ArrayList<>();
    lane.execute(() -> order.add("packet"));
    lane.execute(() -> order.add("middleware done"));
    clock.schedule(() -> lane.execute(() -> order.add("timer")), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(), order);
    workers.runAll();
    assertEquals(List.of("packet", "middleware done", "timer"), order);
  }

  @Test
  void aSlowTaskIsLoggedOnALaneThatWarnsAndTheLaneGoesOn() {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(SerialLane.class.getName());
    List<String> warnings = new ArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord record) {
        warnings.add(record.getMessage());
      }
      @Override public void flush() {}
      @Override public void close() {}
    };
    logger.addHandler(handler);
    try {
      SerialLane lane = new SerialLane(null, new RateLimitedLog(System.getLogger(SerialLane.class.getName()),
          System.Logger.Level.WARNING, 10, 10_000, System::currentTimeMillis));
      List<String> order = new ArrayList<>();
      lane.execute(() -> {
        long end = System.nanoTime() + SerialLane.SLOW_TASK_NANOS + 5_000_000;
        while (System.nanoTime() < end) Thread.onSpinWait();
      });
      lane.execute(() -> order.add("after"));
      assertEquals(List.of("after"), order);
      assertEquals(1, warnings.size(), "one warning for the slow task");
      assertTrue(warnings.get(0).contains("listenersOnIoThread"), warnings.get(0));
    } finally {
      logger.removeHandler(handler);
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
