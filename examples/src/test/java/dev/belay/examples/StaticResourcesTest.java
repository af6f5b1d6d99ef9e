package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
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

/** The pages handler as an HTTP client sees it: files with their types, and nothing outside the folder. */
class StaticResourcesTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Server io;
  private ExampleHttp http;

  @BeforeEach
  void start() {
    io = new Server();
    http = ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void servesTheFilesOfTheFolderWithTheirContentTypes() throws Exception {
    HttpResponse<String> index = get("/");
    assertEquals(200, index.statusCode());
    assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(index.body().contains("<script src=\"/socket.io/socket.io.js\"></script>"));
    assertEquals(index.body(), get("/index.html").body());
    assertEquals("text/css; charset=utf-8", get("/chat.css").headers().firstValue("Content-Type").orElseThrow());
    assertEquals("application/javascript; charset=utf-8", get("/chat.js").headers().firstValue("Content-Type").orElseThrow());
    // The bundled client comes from the Belay handler in front.
    HttpResponse<String> script = get("/socket.io/socket.io.js");
    assertEquals(200, script.statusCode());
    assertTrue(script.body().contains("io"));
  }

  @Test
  void headGivesTheLengthWithoutTheBody() throws Exception {
    HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/chat.css")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(get("/chat.css").body().getBytes(StandardCharsets.UTF_8).length),
        head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("", head.body());
  }

  @Test
  void unknownFilesOtherMethodsAndOtherTypesAreNotFound() throws Exception {
    assertEquals(404, get("/missing.js").statusCode());
    assertEquals(404, get("/dev/belay/examples/Main.class").statusCode());
    assertEquals(404, client.send(HttpRequest.newBuilder(uri("/index.html")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void noRequestReachesOutsideTheFolder() throws Exception {
    // Raw requests, so that no client tidies the paths up first.
    for (String path : new String[] {"/../lab/index.html", "/%2e%2e/lab/index.html", "/..%2flab%2findex.html",
        "/.%2e/lab/lab.js", "/..\\lab\\index.html", "/%2e%2e%5clab%5cindex.html", "//etc/passwd.txt",
        "/../../../../../../etc/hostname.txt", "/../ChatServer.class", "/.hidden.js"}) {
      String response = rawGet(path);
      assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"), path + " -> " + response.lines().findFirst().orElse(""));
    }
  }

  @Test
  void onlyPlainNamesWithAKnownExtensionHaveAContentType() {
    assertEquals("text/html; charset=utf-8", StaticResources.contentType("index.html"));
    assertEquals("image/svg+xml", StaticResources.contentType("img/logo.svg"));
    for (String name : new String[] {"", "a/../b.js", "../b.js", "./b.js", "a//b.js", ".env.txt", "a\\b.js", "dir/",
        "noextension", "dir.js/file", "Main.class", "a\0.js"}) {
      assertNull(StaticResources.contentType(name), name);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.port() + path);
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
