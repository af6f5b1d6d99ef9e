package dev.belay.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * Checks a password against a bcrypt hash with {@code at.favre.lib:bcrypt} (an optional dependency
 * of core: only basic authentication needs it, so this class is loaded only then).
 */
final class PasswordCheck {
  private static final String LIBRARY = "at.favre.lib.crypto.bcrypt.BCrypt";

  private PasswordCheck() {}

  /** Fails with a clear message when the bcrypt library is not on the class path. */
  static void requireLibrary() {
    try {
      Class.forName(LIBRARY, false, PasswordCheck.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Admin UI basic authentication needs at.favre.lib:bcrypt on the class path", e);
    }
  }

  /** Whether {@code password} matches {@code hash}; false for anything that is not a string or a valid hash. */
  static boolean matches(Object password, String hash) {
    if (!(password instanceof String text) || text.length() > 1024) return false;
    try {
      // bcrypt reads at most 72 bytes; the library refuses longer ones, so cut as other bcrypts do.
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 72) bytes = java.util.Arrays.copyOf(bytes, 72);
      return BCrypt.verifyer().verify(bytes, hash.getBytes(StandardCharsets.UTF_8)).verified;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
