package dev.belay.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of the HTTP request that opened or carries a session, independent of the HTTP
 * server in use. Header names are case-insensitive.
 *
 * <pre>{@code
 * options.allowRequest(request -> "secret".equals(request.header("X-Token")));
 * }</pre>
 */
public interface TransportRequest {
  /** The HTTP method, upper case: {@code GET}, {@code POST}, {@code OPTIONS}. */
  String method();

  /** The request path without the query string, for example {@code /socket.io/}. */
  String path();

  /** The path and query as the client sent them. */
  String url();

  /** The first value of a query parameter, or {@code null}. */
  String query(String name);

  /** All query parameters, in order. */
  Map<String, List<String>> queryParameters();

  /** The first value of a header (case-insensitive), or {@code null}. */
  String header(String name);

  /** All headers; names as the client sent them. */
  Map<String, List<String>> headers();

  /** The address of the peer as seen by this server. */
  InetSocketAddress remoteAddress();

  /** Whether the request came over TLS. */
  boolean secure();
}
