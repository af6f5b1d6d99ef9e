package dev.belay.parser;

import java.util.ArrayList;

/** Test access to the encoder's JSON writer from other packages. */
public final class SocketEncoderAccess {
  private SocketEncoderAccess() {}

  /** {@code value} as the encoder writes it (no binary). */
  public static String toJson(Object value) {
    return SocketEncoder.toJson(value, new ArrayList<>());
  }
}
