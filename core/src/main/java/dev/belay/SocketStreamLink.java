package dev.belay;

import dev.belay.engine.Cancellable;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import dev.belay.stream.StreamLink;
import java.time.Duration;
import java.util.Arrays;

/**
 * A socket's transfers' way out: events written straight to the client (not through the adapter,
 * so chunks are never stored for replay; the transfer protocol resends what a reconnection lost).
 */
final class SocketStreamLink implements StreamLink {
  private final Socket socket;

  SocketStreamLink(Socket socket) {
    this.socket = socket;
  }

  @Override
  public boolean send(Object... eventAndArgs) {
    if (!socket.connected()) return false;
    SocketPacket packet = SocketPacket.event(socket.namespace().name(), Arrays.asList(eventAndArgs), null);
    socket.client().write(SocketEncoder.encode(packet), false);
    return true;
  }

  @Override
  public Object toPlain(Object value) {
    return socket.mapper().toPlain(value);
  }

  @Override
  public <T> T fromPlain(Object plain, Class<T> type) {
    return socket.mapper().fromPlain(plain, type);
  }

  @Override
  public Runnable schedule(Runnable task, Duration delay) {
    Server server = socket.client().server();
    Cancellable timer = server.scheduler().schedule(() -> server.workers().execute(task), delay);
    return timer::cancel;
  }

  @Override
  public void execute(Runnable task) {
    socket.client().server().workers().execute(task);
  }

  @Override
  public int maxPayload() {
    return socket.client().server().options().engine().maxPayload();
  }
}
