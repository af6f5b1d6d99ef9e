package dev.belay.transport;

import dev.belay.engine.TransportRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A snapshot of an Undertow request, safe to keep after the exchange ends (the session does). */
final class UndertowRequest implements TransportRequest {
  private final String method;
  private final String path;
  private final String url;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final InetSocketAddress remote;
  private final boolean secure;

  UndertowRequest(HttpServerExchange exchange) {
    this.method = exchange.getRequestMethod().toString();
    this.path = exchange.getRequestPath();
    String qs = exchange.getQueryString();
    this.url = exchange.getRequestURI() + (qs == null || qs.isEmpty() ? "" : "?" + qs);
    Map<String, List<String>> q = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      q.put(e.getKey(), List.copyOf(e.getValue()));
    }
    this.query = Collections.unmodifiableMap(q);
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (HeaderValues values : exchange.getRequestHeaders()) {
      h.put(values.getHeaderName().toString(), List.copyOf(new ArrayList<>(values)));
    }
    this.headers = Collections.unmodifiableMap(h);
    this.remote = exchange.getSourceAddress();
    this.secure = "https".equalsIgnoreCase(exchange.getRequestScheme());
  }

  @Override public String method() { return method; }

  @Override public String path() { return path; }

  @Override public String url() { return url; }

  @Override
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override public Map<String, List<String>> queryParameters() { return query; }

  @Override
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) return e.getValue().isEmpty() ? null : e.getValue().get(0);
    }
    return null;
  }

  @Override public Map<String, List<String>> headers() { return headers; }

  @Override public InetSocketAddress remoteAddress() { return remote; }

  @Override public boolean secure() { return secure; }
}
