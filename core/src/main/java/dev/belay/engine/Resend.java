package dev.belay.engine;

/**
 * Belay's resend extension of HTTP long-polling and of the POST upstream (PROTOCOL.md, "Resend-safe
 * polling"): the names on the wire and how a counter is read. A client opts in per request by
 * sending the parameters; a request without them is handled exactly as Engine.IO says.
 *
 * <pre>{@code
 * GET  /socket.io/?EIO=4&transport=polling&sid=X&belay_ack=3   -> 200, X-Belay-Seq: 4
 * POST /socket.io/?EIO=4&transport=polling&sid=X&belay_seq=7   -> 200 ok (once, however often sent)
 * }</pre>
 */
final class Resend {
  /** GET parameter: the number of the last poll answer the client fully received, 0 before any. */
  static final String ACK = "belay_ack";
  /** POST parameter: the number of this POST on its transport, 1 for the first. */
  static final String SEQ = "belay_seq";
  /** Response header of a poll answer to a GET that sent {@link #ACK}: the answer's number. */
  static final String SEQ_HEADER = "X-Belay-Seq";

  private Resend() {}

  /**
   * A counter as sent: 1 to 15 decimal digits, nothing else (no sign, no space). Returns -1 for
   * anything else, which the caller answers with 400.
   */
  static long parse(String value) {
    if (value == null || value.isEmpty() || value.length() > 15) return -1;
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
