package dev.belay.sio;

import dev.belay.testing.Await;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The official Java client (io.socket:socket.io-client 2.x), connected and ready, or failing the test. */
final class JavaClient {
  private JavaClient() {}

  /** A new, unconnected client socket (its own connection, no reconnection). */
  static Socket create(String url, Consumer<IO.Options> customize) {
    IO.Options options = new IO.Options();
    options.forceNew = true;
    options.reconnection = false;
    options.timeout = 5000;
    customize.accept(options);
    return IO.socket(URI.create(url), options);
  }

  /** Connects and waits for the CONNECT answer. */
  static Socket connect(String url, Consumer<IO.Options> customize) {
    Socket socket = create(url, customize);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("connect_error: " + (args.length > 0 ? args[0] : ""))));
    socket.connect();
    Await.get(connected, "the Java client to connect to " + url);
    return socket;
  }

  static Socket connect(String url) {
    return connect(url, options -> {});
  }

  /** Emits with an acknowledgement and waits for it. */
  static Object[] emitWithAck(Socket socket, String event, Object... args) {
    CompletableFuture<Object[]> reply = new CompletableFuture<>();
    socket.emit(event, args, replyArgs -> reply.complete(replyArgs));
    return Await.get(reply, "the acknowledgement of " + event);
  }
}
