package dev.belay.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Socket.IO packet as it goes on the wire: one text frame, then its binary attachments in order.
 * Immutable; a broadcast hands the same instance to every recipient (the byte arrays are never
 * written to after encoding).
 *
 * <pre>{@code
 * EncodedPacket wire = SocketEncoder.encode(packet);
 * engineSocket.sendAll(wire.frames());
 * }</pre>
 *
 * @param text the packet text, for example {@code 51-["baz",{"_placeholder":true,"num":0}]}
 * @param attachments the binary attachments, in placeholder order
 */
public record EncodedPacket(String text, List<byte[]> attachments) {
  public EncodedPacket {
    attachments = Collections.unmodifiableList(new ArrayList<>(attachments));
  }

  /** The text frame followed by the attachments: each element a {@code String} or a {@code byte[]}. */
  public List<Object> frames() {
    List<Object> frames = new ArrayList<>(1 + attachments.size());
    frames.add(text);
    frames.addAll(attachments);
    return frames;
  }

  /** Whether the packet carries binary attachments. */
  public boolean hasAttachments() {
    return !attachments.isEmpty();
  }
}
