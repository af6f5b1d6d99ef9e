package dev.belay;

import dev.belay.adapter.ClusterAdapter;
import dev.belay.adapter.ClusterAdapterOptions;
import dev.belay.adapter.ClusterMessage;
import dev.belay.adapter.ClusterResponse;
import dev.belay.adapter.LocalNamespace;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pub/sub between cluster adapters in one JVM, for tests: every message goes through one
 * delivery thread, in publish order, like a log; each gets an offset ({@code <n>-0}, a stream id).
 * A node can be cut off ({@link #isolate}) to play one that died without saying so.
 */
public final class InProcessBus implements AutoCloseable {
  private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "in-process-bus");
    t.setDaemon(true);
    return t;
  });
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  // Node uids whose messages are dropped, both ways; any thread.
  private final Set<String> isolated = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Only the delivery thread writes it.
  private long sequence;
  // Tasks run on the delivery thread so far; any thread reads.
  private final AtomicLong delivered = new AtomicLong();
  // While paused, the delivery thread waits on this latch (the bus is down, publishes queue up); any thread.
  private volatile java.util.concurrent.CountDownLatch paused;

  /** A cluster adapter on this bus. */
  public final class Node extends ClusterAdapter {
    // The test's name for the server this adapter belongs to; final.
    private final String server;

    Node(LocalNamespace namespace, ClusterAdapterOptions options, String server) {
      super(namespace, options);
      this.server = server;
      nodes.add(this);
    }

    @Override
    protected CompletableFuture<String> doPublish(ClusterMessage message) {
      CompletableFuture<String> offset = new CompletableFuture<>();
      run(() -> {
        String id = (++sequence) + "-0";
        if (!isolated.contains(message.uid())) {
          for (Node node : nodes) if (node != this && !isolated.contains(node.uid())) node.onMessage(message, id);
        }
        offset.complete(id);
      });
      return offset;
    }

    @Override
    protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterResponse response) {
      CompletableFuture<Void> sent = new CompletableFuture<>();
      run(() -> {
        if (!isolated.contains(response.uid()) && !isolated.contains(requesterUid)) {
          for (Node node : nodes) if (node.uid().equals(requesterUid)) node.onResponse(response);
        }
        sent.complete(null);
      });
      return sent;
    }

    @Override
    public void close() {
      super.close();
      run(() -> nodes.remove(this));
    }
  }

  /** The adapter factory of the server the test calls {@code server}. */
  public dev.belay.adapter.AdapterFactory factory(String server, ClusterAdapterOptions options) {
    return namespace -> new Node(namespace, options, server);
  }

  /** Drops every message from and to the adapters of {@code server} from now on (it died silently). */
  public void isolate(String server) {
    for (Node node : nodes) if (node.server.equals(server)) isolated.add(node.uid());
  }

  /** The bus goes down: publishes queue up, undelivered and unanswered, until {@link #resume}. */
  public void pause() {
    java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
    paused = latch;
    delivery.execute(() -> {
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** The bus is back: what queued up is delivered, in order. */
  public void resume() {
    java.util.concurrent.CountDownLatch latch = paused;
    paused = null;
    if (latch != null) latch.countDown();
  }

  private void run(Runnable task) {
    delivery.execute(() -> {
      try {
        task.run();
      } finally {
        delivered.incrementAndGet();
      }
    });
  }

  /** Waits until every message published so far, and every message they caused, is delivered. */
  public void awaitQuiet() throws Exception {
    while (true) {
      long before = delivered.get();
      delivery.submit(() -> { }).get(10, TimeUnit.SECONDS);
      if (delivered.get() == before) return;
    }
  }

  @Override
  public void close() {
    delivery.shutdownNow();
  }
}
