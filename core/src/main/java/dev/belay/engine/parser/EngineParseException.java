package dev.belay.engine.parser;

/**
 * Input that is not a valid Engine.IO packet or payload. The session it came from is closed with
 * reason "parse error"; nothing else is affected.
 *
 * <pre>{@code
 * try { EngineCodec.decodePacket("x"); } catch (EngineParseException e) { ... }
 * }</pre>
 */
public final class EngineParseException extends RuntimeException {
  public EngineParseException(String message) {
    super(message, null, false, false);
  }
}
