package dev.belay.binding;

import java.util.concurrent.Executor;

/**
 * The thread that does one connection's network I/O, offered by an HTTP binding so that engine
 * work for that connection runs where the connection's writes are cheapest. Tasks run in
 * submission order; a binding may run several together to save wake-ups (a broadcast to
 * thousands of WebSocket sessions then costs one hand-off per I/O thread, not one per session).
 *
 * <pre>{@code
 * IoThread io = connection.ioThread();
 * if (io != null && !io.isCurrent()) io.execute(() -> connection.sendText(frame, done));
 * }</pre>
 */
public interface IoThread extends Executor {
  /** Whether the calling thread is this I/O thread. */
  boolean isCurrent();
}
