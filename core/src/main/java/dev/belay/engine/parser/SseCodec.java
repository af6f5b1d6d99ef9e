package dev.belay.engine.parser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Pure framing of Engine.IO packets as Server-Sent Events (Belay's {@code sse} transport; see
 * PROTOCOL.md, "the sse transport"). One packet is one event:
 *
 * <ul>
 *   <li>a packet text {@code T} (as in a polling payload) without {@code \r} becomes one
 *       {@code data: } line per {@code \n}-separated piece of {@code T}, then an empty line;
 *   <li>a text holding {@code \r} becomes {@code event: t64} and one {@code data:} line with the
 *       base64 of its UTF-8 bytes.
 * </ul>
 *
 * <p>The server writes only {@code \n} line ends. {@link Decoder} reads events back by the SSE
 * rules (any of {@code \r\n}, {@code \n}, {@code \r} ends a line; comments ignored), for tests and
 * Java clients.
 *
 * <pre>{@code
 * String event = SseCodec.encodeEvent(EnginePacket.message("a\nb"));   // "data: 4a\ndata: b\n\n"
 * SseCodec.Decoder d = new SseCodec.Decoder();
 * List<EnginePacket> packets = d.feed(event);                          // [message "a\nb"]
 * }</pre>
 */
public final class SseCodec {
  /** The name of the event that carries a packet text holding {@code \r} as base64 of its UTF-8. */
  public static final String T64 = "t64";

  private SseCodec() {}

  /** The padding comment that opens a stream: {@code bytes} bytes in all; empty for 0. */
  public static String padding(int bytes) {
    if (bytes <= 0) return "";
    if (bytes == 1) return "\n";
    return ":" + " ".repeat(bytes - 2) + "\n";
  }

  /** One event carrying {@code packet}, ending with the empty line that dispatches it. */
  public static String encodeEvent(EnginePacket packet) {
    String text = EngineCodec.encodePacket(packet);
    StringBuilder sb = new StringBuilder(text.length() + 16);
    appendEvent(sb, text);
    return sb.toString();
  }

  /** The events of {@code packets}, concatenated. */
  public static String encodeEvents(List<EnginePacket> packets) {
    StringBuilder sb = new StringBuilder();
    for (EnginePacket p : packets) appendEvent(sb, EngineCodec.encodePacket(p));
    return sb.toString();
  }

  private static void appendEvent(StringBuilder sb, String text) {
    if (text.indexOf('\r') >= 0) {
      sb.append("event: ").append(T64).append('\n').append("data: ")
          .append(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
          .append("\n\n");
      return;
    }
    int start = 0;
    while (true) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        sb.append("data: ").append(text, start, text.length()).append('\n');
        break;
      }
      sb.append("data: ").append(text, start, nl).append('\n');
      start = nl + 1;
    }
    sb.append('\n');
  }

  /** Decodes the data of one dispatched event named {@code type} into a packet. */
  public static EnginePacket decodeEvent(String type, String data) {
    if (T64.equals(type)) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        throw new EngineParseException("invalid base64 in a t64 event");
      }
      return EngineCodec.decodePacket(EngineCodec.decodeUtf8(bytes));
    }
    return EngineCodec.decodePacket(data);
  }

  /**
   * An incremental reader of an event stream, by the WHATWG rules: feed it text as it arrives (in
   * any pieces) and get the packets of the events completed so far. Events of unknown names are
   * skipped. Not thread-safe.
   */
  public static final class Decoder {
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String event = "";
    private boolean lastWasCr;

    /** Feeds text; returns the packets of events completed by it (maybe none). */
    public List<EnginePacket> feed(CharSequence chunk) {
      List<EnginePacket> out = new ArrayList<>();
      for (int i = 0; i < chunk.length(); i++) {
        char c = chunk.charAt(i);
        if (c == '\n' && lastWasCr) {
          lastWasCr = false;
          continue;
        }
        lastWasCr = c == '\r';
        if (c == '\n' || c == '\r') {
          EnginePacket p = line(line.toString());
          if (p != null) out.add(p);
          line.setLength(0);
        } else {
          line.append(c);
        }
      }
      return out;
    }

    /** Feeds one whole line (without its line end); returns the packet it completes, or null. */
    public EnginePacket line(String l) {
      if (l.isEmpty()) {
        if (!hasData) {
          event = "";
          return null;
        }
        String type = event.isEmpty() ? "message" : event;
        String d = data.toString();
        data.setLength(0);
        hasData = false;
        event = "";
        if (!type.equals("message") && !type.equals(T64)) return null;
        return decodeEvent(type, d);
      }
      if (l.charAt(0) == ':') return null;
      int colon = l.indexOf(':');
      String field = colon < 0 ? l : l.substring(0, colon);
      String value = colon < 0 ? "" : l.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      if (field.equals("data")) {
        if (hasData) data.append('\n');
        data.append(value);
        hasData = true;
      } else if (field.equals("event")) {
        event = value;
      }
      return null;
    }
  }
}
