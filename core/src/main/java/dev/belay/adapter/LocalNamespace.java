package dev.belay.adapter;

import dev.belay.ConnectionStateRecovery;
import dev.belay.RemoteSocket;
import dev.belay.engine.EngineScheduler;
import dev.belay.engine.SessionOwners;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What a namespace offers its {@link Adapter}: its name, the sockets connected to this server,
 * its ack ids, a clock and workers, the recovery settings, and a way to hand it what other
 * servers sent.
 *
 * <pre>{@code
 * LocalSocket socket = namespace.socket(id);
 * if (socket != null) socket.write(SocketEncoder.encode(packet), false);
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread.
 */
public interface LocalNamespace {
  String name();

  /** The socket with this id connected to this server, or {@code null}. */
  LocalSocket socket(String id);

  /** The next acknowledgement id of this namespace, shared with the sockets' own emits. */
  long nextAckId();

  /** Time and timers (a fake clock in tests); tasks run on a scheduler thread and must be short. */
  EngineScheduler scheduler();

  /** Where work that may run user code goes, never a transport's reader or the scheduler thread. */
  Executor workers();

  /** The server's connection state recovery settings, or {@code null} when recovery is off. */
  ConnectionStateRecovery recovery();

  /**
   * Another server sent {@code eventData} (event name, then plain arguments) with
   * {@code serverSideEmit}: the namespace runs its server-side listeners on a worker. {@code reply}
   * takes the answer (the first acknowledgement argument, plain); it is null when the sender asked
   * for none, and only its first call counts.
   */
  void onServerSideEmit(List<Object> eventData, Consumer<Object> reply);

  /**
   * A socket of another node, as application code sees it: {@code details} as fetched, and emit,
   * join, leave and disconnect sent through this namespace's adapter to its owner node.
   */
  RemoteSocket remoteSocket(SocketDetails details);

  /**
   * Makes the server serve the sessions of other nodes through {@code owners} (see
   * {@link dev.belay.engine.EngineServer#sessionOwners}); a cluster adapter calls it once, at creation.
   */
  default void sessionOwners(SessionOwners owners) {}

  /** A broadcast was written to {@code recipients} local sockets (for metrics); must be quick. */
  default void broadcastWritten(int recipients) {}
}
