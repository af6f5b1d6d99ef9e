package dev.belay;

import java.util.List;
import java.util.Map;

/**
 * What a client presented when it joined a namespace: the HTTP request that opened its session and
 * the auth object of its CONNECT packet.
 *
 * <pre>{@code
 * server.use((socket, next) -> {
 *   Object token = socket.handshake().auth().get("token");
 *   if ("secret".equals(token)) next.proceed(); else next.fail(new ConnectError("not authorized"));
 * });
 * }</pre>
 *
 * @param headers the request headers, names as sent
 * @param query the query parameters of the opening request
 * @param auth the CONNECT payload ({@code {}} when the client sent none)
 * @param address the client's IP address as seen by this server
 * @param time when the session opened, ISO-8601
 * @param issued when the session opened, epoch milliseconds
 * @param url the path and query of the opening request
 * @param secure whether the request came over TLS
 */
public record Handshake(
    Map<String, List<String>> headers,
    Map<String, List<String>> query,
    Map<String, Object> auth,
    String address,
    String time,
    long issued,
    String url,
    boolean secure) {

  /** The first value of a header, case-insensitive, or {@code null}. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
    }
    return null;
  }

  /** The first value of a query parameter, or {@code null}. */
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
