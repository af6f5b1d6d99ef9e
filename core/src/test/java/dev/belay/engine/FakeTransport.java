package dev.belay.engine;

import dev.belay.engine.parser.EnginePacket;
import java.util.ArrayList;
import java.util.List;

/** A transport that records what it is asked to do; writability is set by the test. */
final class FakeTransport extends Transport {
  private final String name;
  final List<List<EnginePacket>> batches = new ArrayList<>();
  List<EnginePacket> finalPackets;
  boolean lingered;
  boolean writable;
  boolean holdsAfterClose;
  /** The session closed for outbound overflow. */
  boolean overflowed;

  FakeTransport(String name, boolean writable) {
    this.name = name;
    this.writable = writable;
  }

  @Override String name() { return name; }

  @Override boolean writable() { return writable && finalPackets == null; }

  @Override
  void send(List<EnginePacket> packets) {
    batches.add(List.copyOf(packets));
    if (name.equals("polling")) writable = false; // a poll answers once
  }

  @Override
  void close(List<EnginePacket> last, boolean linger) {
    if (finalPackets != null) return;
    finalPackets = List.copyOf(last);
    lingered = linger;
  }

  @Override
  void overflowed(String description) {
    overflowed = true;
    close(List.of(EnginePacket.CLOSE), false);
  }

  @Override boolean holdsFinalPackets() { return holdsAfterClose; }

  /** Everything sent, flattened. */
  List<EnginePacket> sent() {
    List<EnginePacket> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  /** The client's poll arrives, or a write finished: the transport can take packets again. */
  void drain() {
    writable = true;
    session().lane.execute(() -> session().onDrain(this));
  }

  /** The client sends a packet over this transport. */
  void receive(EnginePacket packet) {
    session().lane.execute(() -> session().onPacket(this, packet));
  }
}
