package dev.belay.adapter;

/**
 * What a namespace offers its {@link Adapter}: its name and the sockets connected to this server.
 *
 * <pre>{@code
 * LocalSocket socket = namespace.socket(id);
 * if (socket != null) socket.write(encoded, false);
 * }</pre>
 */
public interface LocalNamespace {
  String name();

  /** The socket with this id connected to this server, or {@code null}. */
  LocalSocket socket(String id);
}
