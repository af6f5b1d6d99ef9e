package dev.belay.stream;

/**
 * Receives a transfer a client opened under a name.
 *
 * <pre>{@code
 * socket.onStream("upload", (meta, in) -> {
 *   try (InputStream data = in.inputStream()) { Files.copy(data, target); } // on a thread that may block
 * });
 * }</pre>
 *
 * <p>Runs on the socket's lane: start the reading there, but do blocking reads elsewhere (reading
 * needs further packets of this same client).
 */
@FunctionalInterface
public interface StreamListener {
  void onStream(Object meta, InboundStream in);
}
