package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Admin UI's files beside the chat's, as an HTTP client sees them: all local, nothing outside the folder. */
class AdminUiPagesTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private ExampleHttp http;

  @BeforeEach
  void start() {
    assertTrue(AdminUiPages.uiBundled(), "the build did not put @socket.io/admin-ui's ui/dist in the class path (npm missing?)");
    http = ExampleHttp.start(new Server(),
        AdminUiPages.withUi(new StaticResources(ChatServer.PAGES, ResponseCodeHandler.HANDLE_404)), "127.0.0.1", 0, null);
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void theUiIsServedUnderItsPathWithItsIconsAndTheChatStillAtTheRoot() throws Exception {
    HttpResponse<String> bare = get("/admin-ui");
    assertEquals(302, bare.statusCode());
    assertEquals("/admin-ui/", bare.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> index = get("/admin-ui/");
    assertEquals(200, index.statusCode());
    assertTrue(index.body().contains("<title>Socket.IO Admin UI</title>"));
    assertTrue(index.body().contains("href=\"mdi/css/materialdesignicons.min.css\""));
    assertFalse(index.body().contains("cdn.jsdelivr.net"), "the icons must not come from a CDN");
    assertEquals("font/woff2", get("/admin-ui/mdi/fonts/materialdesignicons-webfont.woff2").headers()
        .firstValue("Content-Type").orElseThrow());
    assertEquals(200, get("/admin-ui/favicon.png").statusCode());
    assertTrue(get("/").body().contains("socket.io.js"), "the chat's page");
    assertEquals(404, get("/admin-ui/missing.js").statusCode());
  }

  @Test
  void noRequestReachesOutsideTheUiFolder() throws Exception {
    for (String path : new String[] {"/admin-ui/../chat/chat.js", "/admin-ui/%2e%2e/chat/chat.js",
        "/admin-ui/..%2fchat%2fchat.js", "/admin-ui/.hidden.js", "/admin-ui//index.html"}) {
      String response = rawGet(path);
      assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"),
          path + " -> " + response.lines().findFirst().orElse(""));
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String rawGet(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", http.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
