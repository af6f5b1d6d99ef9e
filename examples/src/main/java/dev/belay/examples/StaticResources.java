package dev.belay.examples;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the files of one class-path folder (an example's pages) over GET and HEAD, with a
 * content type from the file's extension; everything else goes to {@code next}. Mount it beside
 * Belay, so one Undertow server serves the page, the client script and the connection:
 *
 * <pre>{@code
 * HttpHandler pages = new StaticResources("dev/belay/examples/chat/", ResponseCodeHandler.HANDLE_404);
 * BelayUndertow.builder(io).addHttpListener(8080, "0.0.0.0").setHandler(new BelayHandler(io, pages)).build().start();
 * }</pre>
 *
 * <p>Only names made of plain segments with a known extension are served: no {@code ..}, no
 * backslash, no hidden files and no directories, so a request can never reach outside the folder
 * (class files included). {@code /} serves {@code index.html}.
 */
public final class StaticResources implements HttpHandler {
  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "application/javascript; charset=utf-8",
      "json", "application/json",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon",
      "woff2", "font/woff2",
      "woff", "font/woff",
      "txt", "text/plain; charset=utf-8");

  private final String prefix;
  private final String folder;
  private final HttpHandler next;
  private final ClassLoader loader = StaticResources.class.getClassLoader();
  // File name -> bytes, filled on first request; misses are not kept, so made-up names cost no memory.
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /**
   * @param folder class-path folder, such as {@code "dev/belay/examples/chat/"}
   * @param next the handler for requests that name no file of the folder
   */
  public StaticResources(String folder, HttpHandler next) {
    this("/", folder, next);
  }

  /**
   * Serves the folder under a URL prefix: {@code new StaticResources("/admin-ui/", "dev/belay/examples/admin-ui/", next)}
   * serves {@code /admin-ui/} (its {@code index.html}) and the files below it, and redirects
   * {@code /admin-ui} there; other paths go to {@code next}.
   */
  public StaticResources(String urlPrefix, String folder, HttpHandler next) {
    this.prefix = urlPrefix.endsWith("/") ? urlPrefix : urlPrefix + "/";
    this.folder = folder.endsWith("/") ? folder : folder + "/";
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
      next.handleRequest(exchange);
      return;
    }
    String path = exchange.getRequestPath();
    if (prefix.length() > 1 && path.equals(prefix.substring(0, prefix.length() - 1))) {
      exchange.setStatusCode(302);
      exchange.getResponseHeaders().put(Headers.LOCATION, prefix);
      exchange.endExchange();
      return;
    }
    if (!path.startsWith(prefix)) {
      next.handleRequest(exchange);
      return;
    }
    String name = path.equals(prefix) ? "index.html" : path.substring(prefix.length());
    String type = contentType(name);
    if (type == null) {
      next.handleRequest(exchange);
      return;
    }
    if (exchange.isInIoThread()) {
      // Reading from a jar is blocking I/O: never on an I/O thread.
      exchange.dispatch(this);
      return;
    }
    byte[] body = cache.get(name);
    if (body == null) {
      body = read(name);
      if (body != null) cache.put(name, body);
    }
    if (body == null) {
      next.handleRequest(exchange);
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    // Examples change while people edit them: always revalidate.
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.setResponseContentLength(body.length);
    if (head) {
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
  }

  /** The content type of a safe file name, or null when the name is not one we serve. */
  static String contentType(String name) {
    if (name.isEmpty() || name.contains("\\") || name.contains("\0")) return null;
    for (String segment : name.split("/", -1)) {
      // Rejects "", ".", "..", and hidden files; a segment is never a way up.
      if (segment.isEmpty() || segment.startsWith(".")) return null;
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0 || name.lastIndexOf('/') > dot) return null;
    return CONTENT_TYPES.get(name.substring(dot + 1));
  }

  private byte[] read(String name) {
    try (InputStream in = loader.getResourceAsStream(folder + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
