package dev.belay.transport;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Checksum;
import java.util.zip.Deflater;

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
   * Adds {@code Accept-Encoding} to the response's {@code Vary} header, keeping what is already
   * there (CORS sets {@code Vary: Origin}; a cache must key on both).
   */
  static void addVaryAcceptEncoding(HeaderMap headers) {
    String current = headers.getFirst(Headers.VARY);
    if (current == null || current.isBlank()) {
      headers.put(Headers.VARY, "Accept-Encoding");
    } else if (!current.toLowerCase(Locale.ROOT).contains("accept-encoding")) {
      headers.put(Headers.VARY, current + ", Accept-Encoding");
    }
  }

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

  // One raw deflater per thread (about 256 KB native each), reset for every body or chunk, so an
  // open SSE stream or a poll holds no compressor of its own: the cost is bounded by the number
  // of threads, not of clients. Confined to its thread.
  private static final ThreadLocal<Deflater> DEFLATER =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final byte[] ZLIB_HEADER = {0x78, (byte) 0x9c};
  // An empty final block with fixed codes: ends a deflate stream whose blocks were all flushed.
  private static final byte[] FINAL_EMPTY_BLOCK = {3, 0};

  /** {@code body} in {@code coding} (gzip, or deflate as zlib data per RFC 9110). */
  static byte[] encode(String coding, byte[] body) {
    StreamEncoder encoder = new StreamEncoder(coding);
    byte[] head = encoder.encode(body);
    byte[] tail = encoder.finish();
    byte[] all = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /**
   * A compressed stream cut at chunk boundaries: each {@link #encode} returns bytes that decode to
   * all the chunks so far, so no event waits for the next. Every chunk is deflated on its own with
   * a full flush by the calling thread's deflater; this object only keeps the framing (header
   * sent, running checksum and length), a few dozen bytes per open stream. Not thread-safe: one
   * stream's chunks are encoded one at a time, in order.
   */
  static final class StreamEncoder {
    private final boolean gzip;
    // The checksum of the plain bytes so far (CRC-32 for gzip, Adler-32 for zlib); this stream's thread.
    private final Checksum checksum;
    // Plain bytes so far, modulo 2^32 for the gzip trailer; this stream's thread.
    private int size;
    // Whether the header went out with the first chunk; this stream's thread.
    private boolean started;
    // Whether the trailer went out (or the stream was dropped); this stream's thread.
    private boolean finished;

    StreamEncoder(String coding) {
      this.gzip = GZIP.equals(coding);
      this.checksum = gzip ? new CRC32() : new Adler32();
    }

    /** The compressed bytes for {@code chunk}, flushed so that they decode on their own. */
    byte[] encode(byte[] chunk) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, chunk.length / 3 + 16));
      if (!started) {
        out.writeBytes(gzip ? GZIP_HEADER : ZLIB_HEADER);
        started = true;
      }
      checksum.update(chunk, 0, chunk.length);
      size += chunk.length;
      Deflater deflater = DEFLATER.get();
      deflater.reset();
      deflater.setInput(chunk);
      byte[] buffer = new byte[Math.max(256, Math.min(16384, chunk.length + 64))];
      int n;
      do {
        n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
        out.write(buffer, 0, n);
      } while (n == buffer.length || !deflater.needsInput());
      deflater.reset(); // drop the reference to chunk
      return out.toByteArray();
    }

    /** The stream's last bytes (an empty final block and the trailer). */
    byte[] finish() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(16);
      if (!started) out.writeBytes(gzip ? GZIP_HEADER : ZLIB_HEADER);
      started = true;
      finished = true;
      out.writeBytes(FINAL_EMPTY_BLOCK);
      long sum = checksum.getValue();
      if (gzip) {
        writeLittleEndian(out, (int) sum);
        writeLittleEndian(out, size);
      } else {
        out.write((int) (sum >>> 24));
        out.write((int) (sum >>> 16));
        out.write((int) (sum >>> 8));
        out.write((int) sum);
      }
      return out.toByteArray();
    }

    /** Marks the stream dropped (it failed); nothing is held, so nothing is freed. */
    void release() {
      finished = true;
    }

    boolean finished() {
      return finished;
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, int value) {
      out.write(value);
      out.write(value >>> 8);
      out.write(value >>> 16);
      out.write(value >>> 24);
    }
  }
}
