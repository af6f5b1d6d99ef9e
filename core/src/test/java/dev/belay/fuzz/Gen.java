package dev.belay.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generators of fuzz inputs: strings that lean towards the characters codecs care about (digits,
 * separators, quotes, escapes, control characters, {@code \u001e}, {@code \u2028}, surrogate pairs
 * and, where asked, lone surrogates), byte arrays, plain JSON values, and mutations of valid input.
 *
 * <pre>{@code
 * String text = Gen.string(random, 40, true);        // may hold lone surrogates
 * String broken = Gen.mutate(random, "42[\"a\",1]");  // a few edits of valid input
 * }</pre>
 */
public final class Gen {
  /** Characters that mean something to one of the codecs. */
  private static final String SPECIAL = "0123456789-/,[]{}\":\\ \n\r\tbe.+E_tfnul#:\u001e\u0000\u007f\u2028\u2029\ufeff";

  private Gen() {}

  /** A string of up to {@code maxLength} chars; {@code loneSurrogates} lets unpaired halves in. */
  public static String string(Random r, int maxLength, boolean loneSurrogates) {
    int length = size(r, maxLength);
    StringBuilder sb = new StringBuilder(length + 2);
    while (sb.length() < length) appendChar(r, sb, loneSurrogates);
    return sb.toString();
  }

  /** A string of valid UTF-16 (surrogates only in pairs). */
  public static String string(Random r, int maxLength) {
    return string(r, maxLength, false);
  }

  /** Mostly small sizes, now and then the maximum: edge cases come up often. */
  public static int size(Random r, int max) {
    int pick = r.nextInt(10);
    if (pick == 0) return 0;
    if (pick == 1) return max;
    if (pick < 7) return r.nextInt(Math.min(max, 8) + 1);
    return r.nextInt(max + 1);
  }

  private static void appendChar(Random r, StringBuilder sb, boolean loneSurrogates) {
    switch (r.nextInt(8)) {
      case 0, 1, 2 -> sb.append((char) (0x20 + r.nextInt(0x5f)));                 // printable ASCII
      case 3 -> sb.append(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
      case 4 -> sb.append((char) r.nextInt(0x20));                                  // C0 controls
      case 5 -> sb.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000 + 1));   // a surrogate pair
      case 6 -> {
        char c = (char) (0x80 + r.nextInt(0xd800 - 0x80));                          // BMP below surrogates
        sb.append(c);
      }
      default -> {
        if (loneSurrogates && r.nextBoolean()) sb.append((char) (0xd800 + r.nextInt(0x800)));
        else sb.append((char) (0xe000 + r.nextInt(0x10000 - 0xe000)));
      }
    }
  }

  /** Random bytes, up to {@code maxLength}. */
  public static byte[] bytes(Random r, int maxLength) {
    byte[] b = new byte[size(r, maxLength)];
    r.nextBytes(b);
    return b;
  }

  /**
   * A plain JSON value as the codecs carry it: null, Boolean, Long, Double (finite, not integral,
   * since integral doubles go out as integers), String, List and String-keyed Map, nested at most
   * {@code depth} deep; {@code binary} lets {@code byte[]} in.
   */
  public static Object plain(Random r, int depth, boolean binary) {
    int kinds = depth <= 0 ? 6 : 8;
    switch (r.nextInt(kinds)) {
      case 0: return null;
      case 1: return r.nextBoolean();
      case 2: return longValue(r);
      case 3: return doubleValue(r);
      case 4: return string(r, 12, true);
      case 5: return binary ? bytes(r, 16) : string(r, 4, false);
      case 6: {
        int n = size(r, 5);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(plain(r, depth - 1, binary));
        return list;
      }
      default: {
        int n = size(r, 5);
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String key = string(r, 6, true);
          // A map shaped like an attachment placeholder is the protocol's own; applications don't send one.
          if (key.equals("_placeholder")) continue;
          map.put(key, plain(r, depth - 1, binary));
        }
        return map;
      }
    }
  }

  private static Long longValue(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> (long) r.nextInt(10);
      case 1 -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
      case 2 -> (long) r.nextInt();
      default -> r.nextLong();
    };
  }

  private static Double doubleValue(Random r) {
    while (true) {
      double d = switch (r.nextInt(4)) {
        case 0 -> r.nextDouble();
        case 1 -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300);
        case 2 -> Double.longBitsToDouble(r.nextLong());
        default -> r.nextInt(1000) + 0.5;
      };
      if (Double.isFinite(d) && d != Math.rint(d)) return d;
    }
  }

  /** One to four random edits of {@code valid}: deletions, insertions, replacements, cuts, repeats. */
  public static String mutate(Random r, String valid) {
    StringBuilder sb = new StringBuilder(valid);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = sb.length() == 0 ? 0 : r.nextInt(sb.length() + 1);
      switch (r.nextInt(6)) {
        case 0 -> { if (at < sb.length()) sb.deleteCharAt(at); }
        case 1 -> sb.insert(at, SPECIAL.charAt(r.nextInt(SPECIAL.length())));
        case 2 -> { if (at < sb.length()) sb.setCharAt(at, SPECIAL.charAt(r.nextInt(SPECIAL.length()))); }
        case 3 -> sb.setLength(at);
        case 4 -> sb.insert(at, string(r, 4, true));
        default -> {
          int end = Math.min(sb.length(), at + 1 + r.nextInt(8));
          sb.insert(at, sb.substring(Math.min(at, end), end));
        }
      }
    }
    return sb.toString();
  }

  /** {@code open} repeated {@code depth} times, then {@code close} as many: nesting far past any limit. */
  public static String nested(String open, String inner, String close, int depth) {
    return open.repeat(depth) + inner + close.repeat(depth);
  }

  /** Splits {@code text} into random pieces, as a stream delivers it. */
  public static List<String> chunks(Random r, String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int n = 1 + r.nextInt(Math.max(1, Math.min(text.length() - i, r.nextBoolean() ? 3 : 64)));
      out.add(text.substring(i, i + n));
      i += n;
    }
    return out;
  }
}
