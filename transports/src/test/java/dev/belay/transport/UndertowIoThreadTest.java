package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/** Tasks handed to a real XNIO I/O thread: all run there, each producer's in order, none lost. */
class UndertowIoThreadTest {

  @Test
  void tasksFromManyThreadsRunOnTheIoThreadInEachProducersOrder() throws Exception {
    XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.EMPTY);
    try {
      XnioIoThread io = worker.getIoThread();
      UndertowIoThread thread = CompletableFuture.supplyAsync(() -> UndertowIoThread.of(io), io).get(10, TimeUnit.SECONDS);
      assertFalse(thread.isCurrent());
      int producers = 4;
      int perProducer = 20_000; // over the batch size: batches must chain
      List<List<Integer>> seen = new ArrayList<>(); // each list written only on the I/O thread
      for (int p = 0; p < producers; p++) seen.add(new ArrayList<>());
      CountDownLatch all = new CountDownLatch(producers * perProducer);
      boolean[] offThread = {false};
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        Thread t = new Thread(() -> {
          for (int i = 0; i < perProducer; i++) {
            int n = i;
            thread.execute(() -> {
              if (!thread.isCurrent()) offThread[0] = true;
              seen.get(id).add(n);
              all.countDown();
            });
          }
        });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) t.join();
      assertTrue(all.await(30, TimeUnit.SECONDS), "every task ran");
      CompletableFuture<Void> fence = new CompletableFuture<>();
      thread.execute(() -> fence.complete(null));
      fence.get(10, TimeUnit.SECONDS);
      assertFalse(offThread[0], "a task ran off the I/O thread");
      for (List<Integer> list : seen) {
        assertEquals(perProducer, list.size());
        for (int i = 0; i < perProducer; i++) assertEquals(i, list.get(i));
      }
    } finally {
      worker.shutdownNow();
    }
  }
}
