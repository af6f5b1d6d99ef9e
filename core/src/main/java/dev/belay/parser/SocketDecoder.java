package dev.belay.parser;

import dev.belay.parser.SocketParseException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes the Socket.IO packets of one connection. Stateful: a BINARY_EVENT or BINARY_ACK is
 * complete only once the binary frames it announced have arrived, so the decoder holds it until
 * then. Not thread-safe: feed it from the connection's single message lane.
 *
 * <pre>{@code
 * SocketDecoder decoder = new SocketDecoder(10, 10_000_000, AttachmentBudget.unlimited());
 * SocketPacket packet = decoder.add("452-[\"message\",{\"_placeholder\":true,\"num\":0},"
 *     + "{\"_placeholder\":true,\"num\":1}]");           // null: waiting for 2 attachments
 * decoder.add(new byte[] {1, 2, 3});                    // null
 * packet = decoder.add(new byte[] {4, 5, 6});           // the complete BINARY_EVENT
 * }</pre>
 *
 * <p>Any malformed input is a {@link SocketParseException}; after one the decoder is reset, but
 * the connection should be closed with reason "parse error". The bytes of a packet still waiting
 * for attachments are reserved in an {@link AttachmentBudget} shared with other connections and
 * given back when the packet completes or the decoder is {@link #reset()}: call {@code reset()}
 * when the connection closes. The decoder keeps no clock; the connection times out a packet that
 * stays incomplete, using {@link #isReassembling()}.
 */
public final class SocketDecoder {
  /** Event names the protocol reserves; a peer may not send them. */
  private static final List<String> RESERVED_EVENTS =
      List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private static final int MAX_ACK_ID_DIGITS = 15;
  private static final int MAX_NAMESPACE_LENGTH = 256;

  private final int maxAttachments;
  private final long maxAttachmentBytes;
  private final AttachmentBudget budget;

  // Reassembly state. Confined to the connection's message lane, like the decoder itself.
  private SocketPacket pending;
  private List<byte[]> received;
  private long receivedBytes;

  /**
   * @param maxAttachments the most binary attachments one packet may announce
   * @param maxAttachmentBytes the most bytes all attachments of one packet may hold together
   * @param budget where the attachments of incomplete packets are counted, shared across connections
   */
  public SocketDecoder(int maxAttachments, long maxAttachmentBytes, AttachmentBudget budget) {
    if (maxAttachments < 0) throw new IllegalArgumentException("maxAttachments must not be negative");
    if (maxAttachmentBytes < 0) throw new IllegalArgumentException("maxAttachmentBytes must not be negative");
    this.maxAttachments = maxAttachments;
    this.maxAttachmentBytes = maxAttachmentBytes;
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /** A decoder with no limit beyond its own per-packet ones (for tests and single connections). */
  public SocketDecoder(int maxAttachments, long maxAttachmentBytes) {
    this(maxAttachments, maxAttachmentBytes, AttachmentBudget.unlimited());
  }

  /**
   * Adds one Engine.IO message ({@code String} or {@code byte[]}). Returns the completed packet, or
   * {@code null} while a binary packet still waits for attachments.
   */
  public SocketPacket add(Object frame) {
    try {
      if (frame instanceof String text) return addText(text);
      if (frame instanceof byte[] bytes) return addBinary(bytes);
      throw new SocketParseException(Problem.UNSUPPORTED_FRAME,
          "frame of type " + (frame == null ? "null" : frame.getClass().getName()));
    } catch (SocketParseException e) {
      reset();
      throw e;
    }
  }

  /** Whether a binary packet is waiting for attachments. */
  public boolean isReassembling() {
    return pending != null;
  }

  /** Drops a partly received binary packet and gives its bytes back to the budget. */
  public void reset() {
    if (receivedBytes > 0) budget.release(receivedBytes);
    pending = null;
    received = null;
    receivedBytes = 0;
  }

  private SocketPacket addText(String text) {
    if (pending != null) {
      throw new SocketParseException(Problem.UNEXPECTED_TEXT,
          "text frame while waiting for " + (pending.attachments() - received.size()) + " attachment(s)");
    }
    SocketPacket packet = decodeText(text, maxAttachments);
    if (packet.type().isBinary()) {
      if (packet.attachments() == 0) return reconstruct(packet, List.of());
      pending = packet;
      received = new ArrayList<>(packet.attachments());
      receivedBytes = 0;
      return null;
    }
    return packet;
  }

  private SocketPacket addBinary(byte[] bytes) {
    if (pending == null) throw new SocketParseException(Problem.UNEXPECTED_BINARY, "binary frame but no attachment expected");
    if (receivedBytes + bytes.length > maxAttachmentBytes) {
      throw new SocketParseException(Problem.ATTACHMENTS_TOO_LARGE,
          "attachments exceed " + maxAttachmentBytes + " bytes");
    }
    if (!budget.tryReserve(bytes.length)) {
      throw new SocketParseException(Problem.ATTACHMENT_BUDGET_EXHAUSTED,
          "incomplete binary packets of all connections would exceed " + budget.limit() + " bytes");
    }
    receivedBytes += bytes.length;
    received.add(bytes);
    if (received.size() < pending.attachments()) return null;
    SocketPacket complete;
    try {
      complete = reconstruct(pending, received);
    } finally {
      reset();
    }
    return complete;
  }

  /**
   * Decodes the text of one packet without its attachments. A binary packet comes back with its
   * placeholders still in place and {@code attachments()} giving their count.
   */
  public static SocketPacket decodeText(String text, int maxAttachments) {
    int length = text.length();
    if (length == 0) throw new SocketParseException(Problem.EMPTY_PACKET, "empty packet");
    int code = text.charAt(0) - '0';
    SocketPacketType type = SocketPacketType.fromCode(code);
    if (type == null) throw new SocketParseException(Problem.UNKNOWN_TYPE, "unknown packet type '" + text.charAt(0) + "'");
    int i = 1;

    int attachments = 0;
    if (type.isBinary()) {
      int start = i;
      while (i < length && isDigit(text.charAt(i))) i++;
      if (i == start || i >= length || text.charAt(i) != '-' || i - start > 6) {
        throw new SocketParseException(Problem.INVALID_ATTACHMENT_COUNT, "expected <count>- after type " + code);
      }
      attachments = Integer.parseInt(text, start, i, 10);
      if (attachments > maxAttachments) {
        throw new SocketParseException(Problem.TOO_MANY_ATTACHMENTS,
            attachments + " attachments, at most " + maxAttachments + " allowed");
      }
      i++; // the '-'
    }

    String namespace = "/";
    if (i < length && text.charAt(i) == '/') {
      int start = i;
      while (i < length && text.charAt(i) != ',') i++;
      namespace = text.substring(start, i);
      if (i < length) i++; // the ','
      validateNamespace(namespace);
    }

    Long id = null;
    if (i < length && isDigit(text.charAt(i))) {
      int start = i;
      while (i < length && isDigit(text.charAt(i))) i++;
      if (i - start > MAX_ACK_ID_DIGITS) throw new SocketParseException(Problem.INVALID_ACK_ID, "ack id too long");
      id = Long.parseLong(text, start, i, 10);
    }

    Object data = null;
    boolean hasData = i < length;
    if (hasData) {
      try {
        data = PlainJson.parse(text, i);
      } catch (Exception e) {
        Problem problem = id == null && isDigitOrLetterRun(text, i) && isAckIdPosition(type) ? Problem.INVALID_ACK_ID : Problem.INVALID_JSON;
        throw new SocketParseException(problem, "payload is not valid JSON", e);
      }
    }
    validatePayload(type, hasData, data, id);
    return new SocketPacket(type, namespace, id, data, attachments);
  }

  private static void validateNamespace(String namespace) {
    if (namespace.length() > MAX_NAMESPACE_LENGTH) {
      throw new SocketParseException(Problem.INVALID_NAMESPACE, "namespace longer than " + MAX_NAMESPACE_LENGTH);
    }
    for (int k = 0; k < namespace.length(); k++) {
      char c = namespace.charAt(k);
      if (c < 0x20 || c == 0x7f) throw new SocketParseException(Problem.INVALID_NAMESPACE, "control character in namespace");
    }
  }

  private static void validatePayload(SocketPacketType type, boolean hasData, Object data, Long id) {
    switch (type) {
      case CONNECT -> {
        if (hasData && !(data instanceof Map)) {
          throw new SocketParseException(Problem.INVALID_PAYLOAD, "CONNECT payload must be an object");
        }
        if (id != null) throw new SocketParseException(Problem.INVALID_ACK_ID, "CONNECT cannot carry an ack id");
      }
      case DISCONNECT -> {
        if (hasData || id != null) throw new SocketParseException(Problem.INVALID_PAYLOAD, "DISCONNECT carries no payload");
      }
      case CONNECT_ERROR -> {
        if (!(data instanceof Map) && !(data instanceof String)) {
          throw new SocketParseException(Problem.INVALID_PAYLOAD, "CONNECT_ERROR payload must be an object or a string");
        }
      }
      case EVENT, BINARY_EVENT -> {
        if (!(data instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof String name)) {
          throw new SocketParseException(Problem.INVALID_PAYLOAD, "EVENT payload must be an array starting with the event name");
        }
        if (RESERVED_EVENTS.contains(name)) {
          throw new SocketParseException(Problem.INVALID_PAYLOAD, "reserved event name '" + name + "'");
        }
      }
      case ACK, BINARY_ACK -> {
        if (!(data instanceof List)) throw new SocketParseException(Problem.INVALID_PAYLOAD, "ACK payload must be an array");
        if (id == null) throw new SocketParseException(Problem.INVALID_ACK_ID, "ACK without an id");
      }
    }
  }

  /** Replaces placeholders with the attachments; every placeholder must name an existing one. */
  private static SocketPacket reconstruct(SocketPacket packet, List<byte[]> attachments) {
    Object data = replacePlaceholders(packet.data(), attachments);
    return new SocketPacket(packet.type(), packet.namespace(), packet.id(), data, packet.attachments());
  }

  private static Object replacePlaceholders(Object value, List<byte[]> attachments) {
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) out.add(replacePlaceholders(item, attachments));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      if (Boolean.TRUE.equals(map.get("_placeholder"))) {
        Object num = map.get("num");
        if (!(num instanceof Long n) || n < 0 || n >= attachments.size()) {
          throw new SocketParseException(Problem.INVALID_PLACEHOLDER, "placeholder " + num + " of " + attachments.size());
        }
        return attachments.get(n.intValue());
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) out.put((String) e.getKey(), replacePlaceholders(e.getValue(), attachments));
      return out;
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** An ack id position that holds letters instead of digits, as in {@code 2abc["x"]}. */
  private static boolean isDigitOrLetterRun(String text, int i) {
    return i < text.length() && Character.isLetter(text.charAt(i));
  }

  private static boolean isAckIdPosition(SocketPacketType type) {
    return type == SocketPacketType.EVENT || type == SocketPacketType.BINARY_EVENT
        || type == SocketPacketType.ACK || type == SocketPacketType.BINARY_ACK;
  }
}
