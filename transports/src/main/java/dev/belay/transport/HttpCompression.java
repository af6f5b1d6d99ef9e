package dev.belay.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Content coding of polling and SSE responses: which coding a request's {@code Accept-Encoding}
 * allows (gzip first, then deflate; {@code q=0} refuses one), and the encoders. Pure byte-in,
 * byte-out code with no I/O, so it can run on whichever thread produced the body.
 *
 * <pre>{@code
 * String coding = HttpCompression.choose("gzip, deflate"); // "gzip"
 * byte[] wire = HttpCompression.encode(coding, body);
 * }</pre>
 */
final class HttpCompression {
  static final String GZIP = "gzip";
  static final String DEFLATE = "deflate";

  private HttpCompression() {}

  /**
   * The coding to use for a request with this {@code Accept-Encoding}, or null for none (absent,
   * empty, unknown codings only, or malformed: a bad header gets a plain answer, never an error).
   */
  static String choose(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.length() > 1024) return null;
    try {
      return parse(acceptEncoding);
    } catch (RuntimeException e) {
      return null; // whatever the header holds, the answer goes out plain rather than failing
    }
  }

  private static String parse(String acceptEncoding) {
    double gzip = -1, deflate = -1, any = -1;
    for (String part : acceptEncoding.split(",")) {
      String[] fields = part.split(";");
      if (fields.length == 0) continue;
      String name = fields[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < fields.length; i++) {
        String f = fields[i].trim();
        if (f.length() > 2 && (f.charAt(0) == 'q' || f.charAt(0) == 'Q') && f.charAt(1) == '=') {
          try {
            q = Double.parseDouble(f.substring(2).trim());
          } catch (NumberFormatException e) {
            q = 0; // unreadable weight: treat the coding as not accepted
          }
          if (!(q >= 0 && q <= 1)) q = 0;
        }
      }
      switch (name) {
        case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
        case "deflate" -> deflate = Math.max(deflate, q);
        case "*" -> any = Math.max(any, q);
        default -> { }
      }
    }
    if (gzip < 0) gzip = any;
    if (deflate < 0) deflate = any;
    if (gzip > 0 && gzip >= deflate) return GZIP;
    if (deflate > 0) return DEFLATE;
    return null;
  }

  /** {@code body} in {@code coding} (gzip, or deflate as zlib data per RFC 9110). */
  static byte[] encode(String coding, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (DeflaterOutputStream z = GZIP.equals(coding) ? new GZIPOutputStream(out, 4096) : new DeflaterOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
    return out.toByteArray();
  }

  /**
   * A compressed stream cut at chunk boundaries: each {@link #encode} returns bytes that decode to
   * all the chunks so far (a sync flush), so no event waits for the next. Not thread-safe: used on
   * one stream's I/O thread only. Holds a deflater (about 256 KB native memory) until
   * {@link #finish} or {@link #release}.
   */
  static final class StreamEncoder {
    /** I/O thread only: where the compressed bytes land between two chunks. */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    /** I/O thread only: null once finished or released. */
    private DeflaterOutputStream z;

    StreamEncoder(String coding) {
      try {
        z = GZIP.equals(coding) ? new GZIPOutputStream(out, 512, true) : new DeflaterOutputStream(out, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The compressed bytes for {@code chunk}, flushed so that they decode on their own. */
    byte[] encode(byte[] chunk) {
      try {
        z.write(chunk);
        z.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return take();
    }

    /** The stream's last bytes (gzip trailer); the deflater is freed. */
    byte[] finish() {
      try {
        z.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      z = null;
      return take();
    }

    /** Frees the deflater without ending the stream (it failed). */
    void release() {
      if (z == null) return;
      try {
        z.close();
      } catch (IOException ignored) {
        // in memory: cannot fail
      }
      z = null;
    }

    boolean finished() {
      return z == null;
    }

    private byte[] take() {
      byte[] bytes = out.toByteArray();
      out.reset();
      return bytes;
    }
  }
}
