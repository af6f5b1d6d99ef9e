package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** The encoders from bytes to bytes, decoded by the JDK's own gzip and zlib readers. */
class HttpCompressionTest {

  @Test
  void oneBodyDecodesWithTheJdkReaders() throws IOException {
    byte[] body = "42[\"chat\",{\"text\":\"hello hello hello hello\"}]".repeat(100).getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(body, gunzip(HttpCompression.encode("gzip", body)));
    assertArrayEquals(body, inflate(HttpCompression.encode("deflate", body)));
    assertArrayEquals(new byte[0], gunzip(HttpCompression.encode("gzip", new byte[0])));
  }

  @Test
  void aStreamDecodesChunkByChunkAndWhole() throws IOException {
    Random random = new Random(7);
    for (String coding : new String[] {"gzip", "deflate"}) {
      HttpCompression.StreamEncoder encoder = new HttpCompression.StreamEncoder(coding);
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      for (int i = 0; i < 50; i++) {
        // Text events and incompressible ones, small and larger than any buffer.
        byte[] chunk = i % 5 == 4 ? new byte[40_000 + i] : ("data: 4event " + i + " " + "x".repeat(i * 10) + "\n\n").getBytes(StandardCharsets.UTF_8);
        if (i % 5 == 4) random.nextBytes(chunk);
        plain.writeBytes(chunk);
        wire.writeBytes(encoder.encode(chunk));
        // Everything so far decodes before the stream ends: no event waits for the next.
        assertEquals(plain.size(), readAvailable(coding, wire.toByteArray()).length, coding + " after chunk " + i);
      }
      wire.writeBytes(encoder.finish());
      byte[] decoded = coding.equals("gzip") ? gunzip(wire.toByteArray()) : inflate(wire.toByteArray());
      assertArrayEquals(plain.toByteArray(), decoded, coding);
    }
  }

  @Test
  void acceptEncodingChoosesOrRefusesWithoutFailing() {
    assertEquals("gzip", HttpCompression.choose("gzip, deflate, br"));
    assertEquals("deflate", HttpCompression.choose("gzip;q=0, deflate"));
    assertNull(HttpCompression.choose("br"));
    assertNull(HttpCompression.choose(";;;q=x,,"));
    assertNull(HttpCompression.choose(null));
  }

  private static byte[] gunzip(byte[] wire) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
      return in.readAllBytes();
    }
  }

  private static byte[] inflate(byte[] wire) throws IOException {
    try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(wire))) {
      return in.readAllBytes();
    }
  }

  /** What a reader gets from an unfinished stream before it would block for more. */
  private static byte[] readAvailable(String coding, byte[] wire) throws IOException {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    int skip = coding.equals("gzip") ? 10 : 2;
    inflater.setInput(wire, skip, wire.length - skip);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = inflater.inflate(buffer)) > 0) out.write(buffer, 0, n);
    } catch (java.util.zip.DataFormatException e) {
      throw new IOException(e);
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }
}
