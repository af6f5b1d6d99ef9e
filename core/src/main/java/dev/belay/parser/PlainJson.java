package dev.belay.parser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) to plain Java values: {@code LinkedHashMap}, {@code ArrayList},
 * {@code String}, {@code Long} (integers that fit) or {@code Double} (everything else),
 * {@code Boolean} and {@code null}.
 *
 * <pre>{@code
 * Object value = PlainJson.parse("[\"foo\",1,2.5,{\"a\":null}]");
 * // [foo, 1 (Long), 2.5 (Double), {a=null}]
 * }</pre>
 *
 * <p>Written for the packet hot path: one pass over the string, no buffers, no reader objects;
 * a string without escapes is one {@code substring}. Anything RFC 8259 does not allow is an
 * error: comments, single quotes, unquoted names, trailing commas, leading zeros, {@code NaN},
 * unescaped control characters, bad escapes, a number too large for a double, trailing content.
 * A repeated name keeps its last value, as JavaScript's {@code JSON.parse} does.
 */
public final class PlainJson {
  /** Deeper input is refused rather than risking the stack. */
  public static final int MAX_DEPTH = 128;

  private final String text;
  private final int end;
  /** The next character to read. Confined to the parsing call. */
  private int pos;

  private PlainJson(String text, int start) {
    this.text = text;
    this.end = text.length();
    this.pos = start;
  }

  /** Parses one complete JSON value; trailing content, comments, NaN or bad syntax is an error. */
  public static Object parse(String json) throws IOException {
    return parse(json, 0);
  }

  /** Parses the JSON value that makes up {@code json} from index {@code start} to its end. */
  public static Object parse(String json, int start) throws IOException {
    PlainJson parser = new PlainJson(json, start);
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos != parser.end) throw parser.error("trailing content after the JSON value");
    return value;
  }

  private Object value(int depth) throws IOException {
    skipWhitespace();
    if (pos >= end) throw error("end of input where a value was expected");
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private Map<String, Object> object(int depth) throws IOException {
    if (depth > MAX_DEPTH) throw error("JSON nested deeper than " + MAX_DEPTH);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (pos < end && text.charAt(pos) == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (pos >= end || text.charAt(pos) != '"') throw error("expected a quoted name");
      String name = string();
      skipWhitespace();
      if (pos >= end || text.charAt(pos) != ':') throw error("expected ':' after a name");
      pos++;
      map.put(name, value(depth));
      skipWhitespace();
      if (pos >= end) throw error("unterminated object");
      char c = text.charAt(pos++);
      if (c == '}') return map;
      if (c != ',') throw error("expected ',' or '}' in an object");
    }
  }

  private List<Object> array(int depth) throws IOException {
    if (depth > MAX_DEPTH) throw error("JSON nested deeper than " + MAX_DEPTH);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (pos < end && text.charAt(pos) == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(depth));
      skipWhitespace();
      if (pos >= end) throw error("unterminated array");
      char c = text.charAt(pos++);
      if (c == ']') return list;
      if (c != ',') throw error("expected ',' or ']' in an array");
    }
  }

  private String string() throws IOException {
    int start = ++pos; // after the opening quote
    // Fast path: no escapes, so the value is a slice of the input.
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == '"') return text.substring(start, pos++);
      if (c == '\\') break;
      if (c < 0x20) throw error("unescaped control character in a string");
      pos++;
    }
    StringBuilder out = new StringBuilder(pos - start + 16).append(text, start, pos);
    while (pos < end) {
      char c = text.charAt(pos++);
      if (c == '"') return out.toString();
      if (c < 0x20) throw error("unescaped control character in a string");
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= end) break;
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw error("invalid escape '\\" + printable(e) + "'");
      }
    }
    throw error("unterminated string");
  }

  private char hex4() throws IOException {
    if (pos + 4 > end) throw error("truncated \\u escape");
    int value = 0;
    for (int k = 0; k < 4; k++) {
      int digit = hexDigit(text.charAt(pos++));
      if (digit < 0) throw error("invalid \\u escape");
      value = value << 4 | digit;
    }
    return (char) value;
  }

  /** The value of an ASCII hex digit, or -1: Character.digit would also take other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private Object number() throws IOException {
    int start = pos;
    if (text.charAt(pos) == '-') pos++;
    if (pos >= end) throw error("a lone '-'");
    char c = text.charAt(pos);
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      while (pos < end && isDigit(text.charAt(pos))) pos++;
    } else {
      throw error("expected a digit");
    }
    boolean integral = true;
    if (pos < end && text.charAt(pos) == '.') {
      integral = false;
      pos++;
      int digits = pos;
      while (pos < end && isDigit(text.charAt(pos))) pos++;
      if (pos == digits) throw error("expected a digit after '.'");
    }
    if (pos < end && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < end && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) pos++;
      int digits = pos;
      while (pos < end && isDigit(text.charAt(pos))) pos++;
      if (pos == digits) throw error("expected a digit in the exponent");
    }
    if (pos < end && isDigit(text.charAt(pos))) throw error("leading zero in a number");
    if (integral && pos - start <= 18) return parseSmallLong(start, pos);
    if (integral) {
      try {
        return Long.parseLong(text, start, pos, 10);
      } catch (NumberFormatException tooLarge) {
        // falls through to a double, as JavaScript would
      }
    }
    double d = Double.parseDouble(text.substring(start, pos));
    if (Double.isInfinite(d)) throw error("number out of range");
    return d;
  }

  /** At most 18 characters, sign included: always fits a long, no overflow check needed. */
  private Long parseSmallLong(int start, int stop) {
    boolean negative = text.charAt(start) == '-';
    long value = 0;
    for (int k = negative ? start + 1 : start; k < stop; k++) value = value * 10 + (text.charAt(k) - '0');
    return negative ? -value : value;
  }

  private Object literal(String word, Object value) throws IOException {
    if (!text.startsWith(word, pos)) throw error("invalid literal");
    pos += word.length();
    return value;
  }

  private void skipWhitespace() {
    while (pos < end) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private IOException error(String message) {
    return new IOException(message + " at offset " + pos);
  }
}
