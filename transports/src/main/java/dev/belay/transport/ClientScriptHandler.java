package dev.belay.transport;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the bundled JavaScript client from the {@code belay-js-client} jar: {@code
 * <path>socket.io.js} (classic script defining the global {@code io}), {@code
 * <path>socket.io.esm.js} (ES module), their minified forms {@code socket.io.min.js} and {@code
 * socket.io.esm.min.js} with source maps ({@code .map}; served when the jar holds them: a build
 * without node has none) and {@code <path>socket.io.d.ts} (TypeScript declarations),
 * with a strong ETag, {@code If-None-Match} answered by 304, {@code Cache-Control} and a gzip
 * variant for clients that accept it. Any other request goes to {@code next}.
 *
 * <pre>{@code
 * HttpHandler handler = new ClientScriptHandler("/socket.io/", belayHandler);
 * // <script src="/socket.io/socket.io.js"></script>
 * // import { io } from "/socket.io/socket.io.esm.js";
 * }</pre>
 *
 * <p>The files are read and hashed once, at construction; serving never blocks and runs on the IO
 * thread.
 */
public final class ClientScriptHandler implements HttpHandler {
  /** Class-path folder of the client files. */
  public static final String RESOURCE_DIR = "dev/belay/client/";

  static final String CACHE_CONTROL = "public, max-age=0, must-revalidate";

  private static final Map<String, String> FILES =
      Map.of(
          "socket.io.js", "application/javascript; charset=utf-8",
          "socket.io.esm.js", "application/javascript; charset=utf-8",
          "socket.io.d.ts", "application/typescript; charset=utf-8");

  /** Served when present: esbuild's output, which a build without node does not make. */
  private static final Map<String, String> OPTIONAL_FILES =
      Map.of(
          "socket.io.min.js", "application/javascript; charset=utf-8",
          "socket.io.esm.min.js", "application/javascript; charset=utf-8",
          "socket.io.min.js.map", "application/json; charset=utf-8",
          "socket.io.esm.min.js.map", "application/json; charset=utf-8");

  private final String path;
  private final HttpHandler next;
  private final Map<String, Asset> assets;

  /**
   * @param path the engine path the files live under, such as {@code "/socket.io/"} (a missing
   *     trailing slash is added)
   * @param next the handler for every other request
   * @throws IllegalStateException when the belay-js-client resources are not on the class path
   */
  public ClientScriptHandler(String path, HttpHandler next) {
    Objects.requireNonNull(path, "path");
    this.path = path.endsWith("/") ? path : path + "/";
    this.next = Objects.requireNonNull(next, "next");
    Map<String, Asset> loaded = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : FILES.entrySet()) {
      loaded.put(this.path + e.getKey(), Asset.load(e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, String> e : OPTIONAL_FILES.entrySet()) {
      if (Asset.exists(e.getKey())) loaded.put(this.path + e.getKey(), Asset.load(e.getKey(), e.getValue()));
    }
    this.assets = Map.copyOf(loaded);
  }

  /** The bytes of one client file as shipped (for tests and for embedding), such as {@code "socket.io.js"}. */
  public static byte[] resource(String name) {
    if (!FILES.containsKey(name) && !OPTIONAL_FILES.containsKey(name)) {
      throw new IllegalArgumentException("not a client file: " + name);
    }
    return Asset.read(name);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HttpString method = exchange.getRequestMethod();
    Asset asset = assets.get(exchange.getRequestPath());
    if (asset == null || !(Methods.GET.equals(method) || Methods.HEAD.equals(method))) {
      next.handleRequest(exchange);
      return;
    }
    boolean gzip = acceptsGzip(exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING));
    String etag = gzip ? asset.gzipEtag : asset.etag;
    var headers = exchange.getResponseHeaders();
    headers.put(Headers.ETAG, etag);
    headers.put(Headers.CACHE_CONTROL, CACHE_CONTROL);
    headers.put(Headers.VARY, "Accept-Encoding");
    headers.put(HttpString.tryFromString("X-Content-Type-Options"), "nosniff");
    if (matches(exchange.getRequestHeaders().get(Headers.IF_NONE_MATCH), etag)) {
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
      return;
    }
    byte[] body = gzip ? asset.gzip : asset.bytes;
    headers.put(Headers.CONTENT_TYPE, asset.contentType);
    if (gzip) headers.put(Headers.CONTENT_ENCODING, "gzip");
    headers.put(Headers.CONTENT_LENGTH, body.length);
    if (Methods.HEAD.equals(method)) {
      exchange.endExchange();
      return;
    }
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) return false;
    for (String part : acceptEncoding.split(",")) {
      String[] kv = part.trim().split(";");
      if (!kv[0].trim().equalsIgnoreCase("gzip")) continue;
      for (int i = 1; i < kv.length; i++) {
        String p = kv[i].trim().replace(" ", "");
        if (p.equals("q=0") || p.matches("q=0\\.0*")) return false;
      }
      return true;
    }
    return false;
  }

  /** If-None-Match: a list of entity tags or {@code *}; weak comparison, as RFC 9110 asks. */
  static boolean matches(Iterable<String> ifNoneMatch, String etag) {
    if (ifNoneMatch == null) return false;
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String header : ifNoneMatch) {
      for (String tag : header.split(",")) {
        String t = tag.trim();
        if (t.equals("*")) return true;
        if (t.startsWith("W/")) t = t.substring(2);
        if (t.equals(opaque)) return true;
      }
    }
    return false;
  }

  private record Asset(byte[] bytes, byte[] gzip, String etag, String gzipEtag, String contentType) {
    static Asset load(String name, String contentType) {
      byte[] bytes = read(name);
      byte[] gz = gzip(bytes);
      String hash = hash(bytes);
      return new Asset(bytes, gz, "\"" + hash + "\"", "\"" + hash + "-gz\"", contentType);
    }

    static boolean exists(String name) {
      return ClientScriptHandler.class.getClassLoader().getResource(RESOURCE_DIR + name) != null;
    }

    static byte[] read(String name) {
      ClassLoader cl = ClientScriptHandler.class.getClassLoader();
      try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          throw new IllegalStateException(
              "client resource " + RESOURCE_DIR + name + " not on the class path (is belay-js-client a dependency?)");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static byte[] gzip(byte[] bytes) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    static String hash(byte[] bytes) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 27);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
