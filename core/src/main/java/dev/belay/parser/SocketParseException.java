package dev.belay.parser;

/**
 * A Socket.IO packet that cannot be decoded. The connection that sent it must be closed with
 * reason "parse error"; {@link #problem()} says what was wrong.
 *
 * <pre>{@code
 * try {
 *   decoder.add(frame);
 * } catch (SocketParseException e) {
 *   engineSocket.close(CloseReason.PARSE_ERROR);
 * }
 * }</pre>
 */
public final class SocketParseException extends RuntimeException {
  /** What was wrong with the input. */
  public enum Problem {
    EMPTY_PACKET,
    UNKNOWN_TYPE,
    INVALID_ATTACHMENT_COUNT,
    TOO_MANY_ATTACHMENTS,
    ATTACHMENTS_TOO_LARGE,
    /** The server-wide budget for incomplete binary packets has no room for this attachment. */
    ATTACHMENT_BUDGET_EXHAUSTED,
    INVALID_NAMESPACE,
    INVALID_ACK_ID,
    INVALID_JSON,
    INVALID_PAYLOAD,
    INVALID_PLACEHOLDER,
    UNEXPECTED_BINARY,
    UNEXPECTED_TEXT,
    UNSUPPORTED_FRAME
  }

  private final Problem problem;

  public SocketParseException(Problem problem, String message) {
    super(problem + ": " + message);
    this.problem = problem;
  }

  public SocketParseException(Problem problem, String message, Throwable cause) {
    super(problem + ": " + message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
