package dev.belay.parser;

import dev.belay.engine.parser.EnginePacket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Socket.IO packet as it goes on the wire: one text frame, then its binary attachments in order,
 * each an Engine.IO message. Immutable; a broadcast hands the same instance to every recipient, so
 * the Engine.IO messages (and their encoded bytes) are built once, not once per recipient.
 *
 * <pre>{@code
 * EncodedPacket wire = SocketEncoder.encode(packet);
 * engineSocket.sendAll(wire.messages());
 * }</pre>
 */
public final class EncodedPacket {
  private final String text;
  private final List<byte[]> attachments;
  private final List<EnginePacket> messages;
  // The packet this was encoded from, or null; final.
  private final SocketPacket source;

  /**
   * @param text the packet text, for example {@code 51-["baz",{"_placeholder":true,"num":0}]}
   * @param attachments the binary attachments, in placeholder order
   */
  public EncodedPacket(String text, List<byte[]> attachments) {
    this(text, attachments, null);
  }

  /**
   * @param text the packet text
   * @param attachments the binary attachments, in placeholder order
   * @param source the packet this was encoded from (what outgoing listeners are shown), or null
   */
  public EncodedPacket(String text, List<byte[]> attachments, SocketPacket source) {
    this.source = source;
    this.text = Objects.requireNonNull(text, "text");
    this.attachments = attachments.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(attachments));
    if (this.attachments.isEmpty()) {
      this.messages = List.of(EnginePacket.message(text));
    } else {
      List<EnginePacket> all = new ArrayList<>(1 + attachments.size());
      all.add(EnginePacket.message(text));
      for (byte[] a : this.attachments) all.add(EnginePacket.binary(a));
      this.messages = Collections.unmodifiableList(all);
    }
  }

  /** The packet text, for example {@code 51-["baz",{"_placeholder":true,"num":0}]}. */
  public String text() {
    return text;
  }

  /** The binary attachments, in placeholder order. */
  public List<byte[]> attachments() {
    return attachments;
  }

  /** The text frame followed by the attachments: each element a {@code String} or a {@code byte[]}. */
  public List<Object> frames() {
    List<Object> frames = new ArrayList<>(1 + attachments.size());
    frames.add(text);
    frames.addAll(attachments);
    return frames;
  }

  /** The Engine.IO messages that carry the packet: the text message, then one binary message per attachment. */
  public List<EnginePacket> messages() {
    return messages;
  }

  /** The packet this was encoded from, or {@code null} when built from text alone. */
  public SocketPacket source() {
    return source;
  }

  /** Whether the packet carries binary attachments. */
  public boolean hasAttachments() {
    return !attachments.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedPacket p && text.equals(p.text) && attachments.equals(p.attachments);
  }

  @Override
  public int hashCode() {
    return text.hashCode() * 31 + attachments.hashCode();
  }

  @Override
  public String toString() {
    return "EncodedPacket[" + text + (attachments.isEmpty() ? "" : " + " + attachments.size() + " attachment(s)") + "]";
  }
}
