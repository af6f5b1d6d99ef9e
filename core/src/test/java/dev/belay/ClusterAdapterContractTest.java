package dev.belay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.adapter.ClusterAdapterOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What a cluster adapter must do beyond {@link AdapterContractTest}, on three or more nodes: see a
 * node that stopped talking as down after the heartbeat timeout (and stop waiting for it), and
 * time out requests a node that is up does not answer. A subclass gives the transport and a way
 * to cut a node off without it saying goodbye.
 */
public abstract class ClusterAdapterContractTest extends AdapterContractTest {
  /** Heartbeats every 5 s, a node down after 10 s of silence, requests 5 s by default. */
  protected static final ClusterAdapterOptions TIMING = ClusterAdapterOptions.defaults();

  /** Cuts server {@code node} off the cluster, both ways, as if it died (no ADAPTER_CLOSE). */
  protected abstract void isolate(int node);

  /** Moves the shared clock second by second, letting the nodes exchange what falls due in between. */
  protected void advance(Duration total) throws Exception {
    for (long ms = 0; ms < total.toMillis(); ms += 1000) {
      clock.advance(Duration.ofMillis(Math.min(1000, total.toMillis() - ms)));
      awaitQuiet();
    }
  }

  @Test
  void heartbeatsKeepNodesCountedWhileTheyTalk() throws Exception {
    advance(TIMING.heartbeatTimeout().multipliedBy(3));
    for (int i = 0; i < nodes(); i++) assertEquals(nodes(), io(i).serverCount().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aSilentNodeIsSeenAsDownAfterTheHeartbeatTimeout() throws Exception {
    isolate(nodes() - 1);
    advance(TIMING.heartbeatTimeout().minusSeconds(1));
    assertEquals(nodes(), io(0).serverCount().get(10, TimeUnit.SECONDS), "not yet: within the timeout");
    advance(Duration.ofSeconds(3));
    assertEquals(nodes() - 1, io(0).serverCount().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aClosedNodeLeavesAtOnce() throws Exception {
    last().close();
    awaitQuiet();
    assertEquals(nodes() - 1, io(0).serverCount().get(10, TimeUnit.SECONDS));
  }

  @Test
  void requestsStopWaitingForANodeThatWentDown() throws Exception {
    for (int i = 0; i < nodes(); i++) {
      String name = "node-" + i;
      io(i).onServerSideEmit("hello", (args, ack) -> ack.send(name));
    }
    isolate(nodes() - 1);
    CompletableFuture<List<Object>> answers = io(0).timeout(Duration.ofMinutes(1)).serverSideEmitWithAck("hello");
    awaitQuiet();
    assertFalse(answers.isDone(), "waits for the silent node");
    advance(TIMING.heartbeatTimeout().plusSeconds(2));
    assertEquals(nodes() - 2, answers.get(10, TimeUnit.SECONDS).size());
  }

  @Test
  void serverSideEmitWithAckTimesOutWhenANodeDoesNotAnswer() throws Exception {
    for (int i = 0; i < nodes() - 1; i++) io(i).onServerSideEmit("hello", (args, ack) -> ack.send("ok"));
    last().onServerSideEmit("hello", (args, ack) -> { }); // never answers
    CompletableFuture<List<Object>> answers = io(0).timeout(Duration.ofSeconds(2)).serverSideEmitWithAck("hello");
    awaitQuiet();
    assertFalse(answers.isDone());
    advance(Duration.ofSeconds(2));
    ExecutionException e = assertThrows(ExecutionException.class, () -> answers.get(10, TimeUnit.SECONDS));
    assertInstanceOf(AckTimeoutException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("missing 1"), e.getCause().getMessage());
  }

  @Test
  void fetchSocketsTimesOutWhenANodeDoesNotAnswer() throws Exception {
    onePerNode();
    isolate(nodes() - 1);
    CompletableFuture<List<RemoteSocket>> found = io(0).timeout(Duration.ofSeconds(3)).fetchSockets();
    awaitQuiet();
    assertFalse(found.isDone());
    advance(Duration.ofSeconds(3));
    ExecutionException e = assertThrows(ExecutionException.class, () -> found.get(10, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
  }

  @Test
  void broadcastsWithAcksCountEveryNodesClients() throws Exception {
    List<Peer> peers = onePerNode();
    Peer second = new Peer(nodes() - 1);
    CompletableFuture<List<Object>> answers = io(0).timeout(Duration.ofSeconds(5)).emitWithAck("question");
    for (Peer peer : peers) peer.answer("question", peer.node);
    awaitQuiet();
    assertFalse(answers.isDone(), "the last node reported two clients, one has not answered");
    second.answer("question", "second");
    awaitQuiet();
    assertEquals(nodes() + 1, answers.get(10, TimeUnit.SECONDS).size());
  }
}
