package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.ConnectionStateRecovery;
import dev.belay.FakeScheduler;
import dev.belay.RemoteSocket;
import dev.belay.engine.EngineScheduler;
import dev.belay.parser.EncodedPacket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A namespace for adapter unit tests: fake sockets that record what they are sent, a fake clock, workers on the calling thread. */
final class FakeNamespace implements LocalNamespace {
  final FakeScheduler clock = new FakeScheduler();
  private final ConnectionStateRecovery recovery;
  private final Map<String, RecordingSocket> sockets = new ConcurrentHashMap<>();
  private final AtomicLong ackIds = new AtomicLong();

  FakeNamespace(ConnectionStateRecovery recovery) {
    this.recovery = recovery;
  }

  /** A socket that records the text of every packet written to it. */
  static final class RecordingSocket implements LocalSocket {
    final String id;
    final List<String> texts = new CopyOnWriteArrayList<>();

    RecordingSocket(String id) {
      this.id = id;
    }

    @Override public String id() { return id; }
    @Override public void write(EncodedPacket packet, boolean isVolatile) { texts.add(packet.text()); }
    @Override public boolean writeWithAck(EncodedPacket packet, long ackId, AckCallback onAck) {
      texts.add(packet.text());
      return true;
    }
    @Override public void forgetAck(long ackId) {}
    @Override public RemoteSocket socket() { throw new UnsupportedOperationException(); }
  }

  RecordingSocket connect(String id) {
    return sockets.computeIfAbsent(id, RecordingSocket::new);
  }

  @Override public String name() { return "/"; }
  @Override public LocalSocket socket(String id) { return sockets.get(id); }
  @Override public long nextAckId() { return ackIds.getAndIncrement(); }
  @Override public EngineScheduler scheduler() { return clock; }
  @Override public Executor workers() { return Runnable::run; }
  @Override public ConnectionStateRecovery recovery() { return recovery; }
  @Override public void onServerSideEmit(List<Object> eventData, Consumer<Object> reply) {}
  @Override public RemoteSocket remoteSocket(SocketDetails details) { throw new UnsupportedOperationException(); }
}
