package dev.belay.transport;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.websockets.WebSocketExtension;
import io.undertow.websockets.core.StreamSinkFrameChannel;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.extensions.ExtensionFunction;
import io.undertow.websockets.extensions.ExtensionHandshake;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * permessage-deflate (RFC 7692) as Belay offers it: Undertow's codec, with two changes.
 *
 * <ul>
 *   <li>A threshold: a message shorter than it goes out plain (RSV1 clear), as Socket.IO's
 *       {@code perMessageDeflate: { threshold }}; small messages gain nothing and cost CPU.
 *   <li>No context takeover in either direction, and the codec (a zlib deflater and inflater,
 *       about 300 KB of native memory) is made only when a connection first sends or receives a
 *       compressed message: an idle connection, or one that only carries small messages, costs
 *       nothing more than without compression.
 * </ul>
 *
 * <p>Which messages are large enough is told by {@link #sending}, around the call that queues the
 * frame (Undertow picks the frame's RSV bits while queuing it, on the calling thread).
 */
final class PerMessageDeflate implements ExtensionHandshake {
  /** The size of the message being queued on this thread, or -1 when none (then: plain). */
  private static final ThreadLocal<int[]> SENDING = ThreadLocal.withInitial(() -> new int[] {-1});

  /** zlib level 6 is zlib's (and Node's) default: most of the gain at moderate CPU. */
  private static final int LEVEL = 6;

  private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

  private final int threshold;
  /**
   * Undertow's handshake logic, which keeps what one upgrade negotiated: one per upgrade. The
   * server never takes its compression context over (it says so in the answer); it inflates
   * with context takeover unless the client offers {@code client_no_context_takeover}, since a
   * client that keeps its context needs the server to keep one too.
   */
  private final PerMessageDeflateHandshake undertows = new PerMessageDeflateHandshake(false, LEVEL, false, true);

  PerMessageDeflate(int threshold) {
    this.threshold = threshold;
  }

  /** Queues a message of {@code size} bytes with {@code send}, deflated if it reaches the threshold. */
  static void sending(int size, Runnable send) {
    int[] slot = SENDING.get();
    int before = slot[0];
    slot[0] = size;
    try {
      send.run();
    } finally {
      slot[0] = before;
    }
  }

  @Override
  public String getName() {
    return undertows.getName();
  }

  @Override
  public WebSocketExtension accept(WebSocketExtension offer) {
    WebSocketExtension negotiated = undertows.accept(offer);
    if (negotiated == null) return null;
    boolean said = negotiated.getParameters().stream().anyMatch(p -> p.getName().equals(SERVER_NO_CONTEXT_TAKEOVER));
    if (!said) negotiated.getParameters().add(new WebSocketExtension.Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
    return negotiated;
  }

  @Override
  public boolean isIncompatible(List<ExtensionHandshake> others) {
    return undertows.isIncompatible(others);
  }

  @Override
  public ExtensionFunction create() {
    return new Lazy(undertows::create, threshold);
  }

  /**
   * One connection's codec, made on first use. Frames are transformed on the channel's I/O thread;
   * {@code writeRsv} runs on the sending thread and touches no state.
   */
  private static final class Lazy implements ExtensionFunction {
    private final Supplier<ExtensionFunction> factory;
    private final int threshold;
    /** The channel's I/O thread (frame transforms), or null until a compressed message. */
    private ExtensionFunction codec;
    /** I/O thread: set once disposed; no codec is made after. */
    private boolean disposed;

    Lazy(Supplier<ExtensionFunction> factory, int threshold) {
      this.factory = factory;
      this.threshold = threshold;
    }

    @Override
    public boolean hasExtensionOpCode() {
      return false;
    }

    @Override
    public int writeRsv(int rsv) {
      return SENDING.get()[0] >= threshold ? rsv | RSV1 : rsv;
    }

    @Override
    public PooledByteBuffer transformForWrite(PooledByteBuffer buffer, StreamSinkFrameChannel frame, boolean last)
        throws IOException {
      if ((frame.getRsv() & RSV1) == 0) return buffer;
      return codec().transformForWrite(buffer, frame, last);
    }

    @Override
    public PooledByteBuffer transformForRead(PooledByteBuffer buffer, StreamSourceFrameChannel frame, boolean last)
        throws IOException {
      if ((frame.getRsv() & RSV1) == 0) return buffer;
      return codec().transformForRead(buffer, frame, last);
    }

    private synchronized ExtensionFunction codec() throws IOException {
      if (disposed) throw new IOException("the connection is closed");
      if (codec == null) codec = factory.get();
      return codec;
    }

    @Override
    public synchronized void dispose() {
      disposed = true;
      if (codec != null) codec.dispose();
      codec = null;
    }
  }
}
