package dev.belay.transport;

import dev.belay.engine.TransportRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of an Undertow request, safe to keep after the exchange ends (a session keeps the one
 * that opened it, for as long as it lives). Kept compact: one flat array of header names and
 * values and one of query parameters, the strings shared with Undertow's; the map views are built
 * only when asked for.
 */
final class UndertowRequest implements TransportRequest {
  private final String method;
  private final String path;
  /** The raw request URI (the path object itself when equal, so one string is kept) and query. */
  private final String uri;
  private final String queryString;
  /** name, value, name, value, ... in request order; a repeated header appears once per value. */
  private final String[] query;
  private final String[] headers;
  private final InetSocketAddress remote;
  private final boolean secure;

  UndertowRequest(HttpServerExchange exchange) {
    this.method = exchange.getRequestMethod().toString();
    this.path = exchange.getRequestPath();
    String requestUri = exchange.getRequestURI();
    this.uri = requestUri.equals(path) ? path : requestUri;
    String qs = exchange.getQueryString();
    this.queryString = qs == null ? "" : qs;
    List<String> q = new ArrayList<>();
    // forEach, not entrySet(): the TreeMap would cache an entry-set view for the exchange's life.
    exchange.getQueryParameters().forEach((name, values) -> {
      for (String v : values) {
        q.add(name);
        q.add(v);
      }
    });
    this.query = q.toArray(String[]::new);
    List<String> h = new ArrayList<>();
    for (HeaderValues values : exchange.getRequestHeaders()) {
      String name = values.getHeaderName().toString();
      for (String v : values) {
        h.add(name);
        h.add(v);
      }
    }
    this.headers = h.toArray(String[]::new);
    this.remote = exchange.getSourceAddress();
    this.secure = "https".equalsIgnoreCase(exchange.getRequestScheme());
  }

  @Override public String method() { return method; }

  @Override public String path() { return path; }

  /** Built when asked (rarely: a socket's Handshake), not kept: a session holds its request for life. */
  @Override public String url() { return queryString.isEmpty() ? uri : uri + "?" + queryString; }

  @Override
  public String query(String name) {
    for (int i = 0; i < query.length; i += 2) if (query[i].equals(name)) return query[i + 1];
    return null;
  }

  @Override public Map<String, List<String>> queryParameters() { return asMap(query, false); }

  @Override
  public String header(String name) {
    for (int i = 0; i < headers.length; i += 2) if (headers[i].equalsIgnoreCase(name)) return headers[i + 1];
    return null;
  }

  @Override public Map<String, List<String>> headers() { return asMap(headers, true); }

  @Override public InetSocketAddress remoteAddress() { return remote; }

  @Override public boolean secure() { return secure; }

  private static Map<String, List<String>> asMap(String[] pairs, boolean ignoreCase) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String key = pairs[i];
      if (ignoreCase) {
        for (String k : map.keySet()) if (k.equalsIgnoreCase(key)) key = k;
      }
      map.computeIfAbsent(key, k -> new ArrayList<>()).add(pairs[i + 1]);
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(map);
  }
}
