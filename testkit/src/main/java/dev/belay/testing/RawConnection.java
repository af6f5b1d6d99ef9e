package dev.belay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection over a plain socket, for requests the JDK client will not send as they
 * are (a chunked body split over several TCP writes, a body over the limit that the server
 * answers before it has all arrived, a client that vanishes with a poll pending). Every read has
 * the {@link Await#SECONDS} deadline.
 *
 * <pre>{@code
 * try (RawConnection c = RawConnection.open(port)) {
 *   c.send("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
 *   RawConnection.Response r = c.readResponse();
 * }
 * }</pre>
 */
public final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A parsed response: status, headers (names lower-cased), body (de-chunked). */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) (Await.SECONDS * 1000));
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static RawConnection open(int port) {
    try {
      return new RawConnection(new Socket("127.0.0.1", port));
    } catch (IOException e) {
      throw new AssertionError("connecting to port " + port + " failed: " + e, e);
    }
  }

  /** Writes and flushes (one TCP write, with TCP_NODELAY); throws if the server already closed. */
  public void send(String ascii) throws IOException {
    send(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Writes what it can: a server that answers early (413) and closes may refuse the rest, which
   * is then dropped. Returns whether everything was written.
   */
  public boolean sendIgnoringClose(byte[] bytes) {
    try {
      send(bytes);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A chunked request head for {@code path?query} with the given extra header lines. */
  public static String chunkedPostHead(String pathAndQuery, String... headerLines) {
    StringBuilder sb = new StringBuilder("POST ").append(pathAndQuery).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n");
    for (String line : headerLines) sb.append(line).append("\r\n");
    return sb.append("\r\n").toString();
  }

  /** One chunk of the chunked coding: size in hex, CRLF, data, CRLF. */
  public static byte[] chunk(String data) {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(bytes);
    b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  /** The last chunk and the end of the (empty) trailer. */
  public static byte[] lastChunk() {
    return "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one whole response (Content-Length or chunked body). */
  public Response readResponse() throws IOException {
    Response head = readHead();
    Map<String, String> headers = head.headers();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      while (true) {
        int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) { } // trailer
          break;
        }
        body.writeBytes(in.readNBytes(size));
        readLine();
      }
    } else if (headers.containsKey("content-length")) {
      body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Response(head.status(), headers, body.toString(StandardCharsets.UTF_8));
  }

  /**
   * Reads a response's status line and headers only, for a streamed answer whose body does not
   * end; the response's body is then empty. Header names are lower case.
   */
  public Response readHead() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) throw new IOException("the server closed the connection without an answer");
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line; (line = readLine()) != null && !line.isEmpty(); ) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    return new Response(status, headers, "");
  }

  /** Waits until the server closes the connection (end of file or reset); unread data is skipped. */
  public void awaitClosedByServer() {
    byte[] skip = new byte[8192];
    try {
      while (in.read(skip) >= 0) { }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection");
    } catch (IOException e) {
      // reset: closed too
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
        return sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
