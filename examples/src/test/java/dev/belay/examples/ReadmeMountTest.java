package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The README's "mounting into an existing Undertow server" code, compiled and answering requests. */
class ReadmeMountTest {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void belayServesItsPathAndTheApplicationEverythingElse() throws Exception {
    HttpHandler myApiHandler = exchange -> exchange.getResponseSender().send("api");
    ClassLoader loader = getClass().getClassLoader();
    int port = 0;

    // ---- as in the README (the README listens on 8080)
    Server io = new Server();
    io.on("connection", socket -> socket.emit("hello", "world"));

    HttpHandler app = Handlers.path()
        .addPrefixPath("/api", myApiHandler)
        .addPrefixPath("/", Handlers.resource(new ClassPathResourceManager(loader, "dev/belay/examples/chat")));

    Undertow undertow = BelayUndertow.builder(io) // Undertow.builder() with Belay's timeouts
        .addHttpListener(port, "127.0.0.1")
        .setHandler(new BelayHandler(io, app))
        .build();
    undertow.start();
    // ----

    try {
      String base = "http://127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      assertEquals("api", get(base + "/api").body());
      assertTrue(get(base + "/index.html").body().contains("Belay chat"));
      assertEquals(200, get(base + "/socket.io/socket.io.js").statusCode());
      HttpResponse<String> handshake = get(base + "/socket.io/?EIO=4&transport=polling");
      assertTrue(handshake.body().startsWith("0{\"sid\":"), handshake.body());
    } finally {
      io.close();
      undertow.stop();
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
