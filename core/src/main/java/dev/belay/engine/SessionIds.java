package dev.belay.engine;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids that name the node that minted them, so any node of a cluster finds a session's
 * owner from its sid alone, without a lookup.
 *
 * <p>A tagged sid is a 4-character node tag followed by 128 random bits (22 characters), all
 * URL-safe base64: 26 characters, as opaque to clients as an untagged one. An untagged sid is the
 * 22 random characters alone.
 *
 * <pre>{@code
 * String tag = SessionIds.tagFor("node-7f3a");      // e.g. "q2Zb"
 * String sid = SessionIds.mint(tag);                // "q2Zb" + 22 random characters
 * SessionIds.tagOf(sid);                            // "q2Zb"
 * }</pre>
 */
public final class SessionIds {
  /** Length of a node tag. */
  public static final int TAG_LENGTH = 4;
  private static final int RANDOM_LENGTH = 22;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {}

  /** The tag of a node id: 24 bits of its hash, URL-safe base64; the same on every node. */
  public static String tagFor(String nodeId) {
    int h = nodeId.hashCode() * 0x9E3779B1;
    byte[] b = {(byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8)};
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A fresh sid carrying {@code tag} (null or empty: untagged). */
  public static String mint(String tag) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String random = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return tag == null || tag.isEmpty() ? random : tag + random;
  }

  /** The node tag a sid carries, or null for an untagged or malformed sid (never throws). */
  public static String tagOf(String sid) {
    if (sid == null || sid.length() != TAG_LENGTH + RANDOM_LENGTH) return null;
    for (int i = 0; i < sid.length(); i++) {
      char c = sid.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) return null;
    }
    return sid.substring(0, TAG_LENGTH);
  }
}
