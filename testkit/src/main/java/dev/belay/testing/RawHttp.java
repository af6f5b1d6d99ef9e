package dev.belay.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Plain HTTP requests with the JDK client, as a raw Engine.IO peer would send them. */
public final class RawHttp {
  public static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private RawHttp() {}

  public static HttpResponse<String> get(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  public static CompletableFuture<HttpResponse<String>> getAsync(String url, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
    return CLIENT.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  public static HttpResponse<String> post(String url, String body, String... headers) {
    return post(url, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  public static HttpResponse<String> post(String url, byte[] body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
  }

  public static CompletableFuture<HttpResponse<String>> postAsync(String url, String body) {
    return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> method(String method, String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()), headers);
  }

  private static HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
    for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
    try {
      return CLIENT.send(builder.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Opens a polling session and returns its sid. */
  public static String openPolling(TestEngine engine) {
    HttpResponse<String> r = get(engine.url("EIO=4&transport=polling"));
    if (r.statusCode() != 200 || !r.body().startsWith("0{")) throw new AssertionError("handshake failed: " + r.body());
    return com.google.gson.JsonParser.parseString(r.body().substring(1)).getAsJsonObject().get("sid").getAsString();
  }
}
