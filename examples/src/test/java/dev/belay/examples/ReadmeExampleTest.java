package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.binding.Listening;
import dev.belay.testing.Browser;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's example: {@link HelloWorld}'s server, and the README's browser snippet on a page
 * from another origin (so CORS matters), in headless Chromium.
 */
class ReadmeExampleTest {
  /** The README's browser snippet, word for word; the server address is replaced by the test's. */
  static final String SNIPPET = """
      <script src="http://localhost:3000/socket.io/socket.io.js"></script>
      <script>
        const socket = io("http://localhost:3000");
        socket.on("chat", (from, text) => console.log(from + ": " + text));
        socket.emit("chat", "hello", (answer) => console.log(answer)); // "delivered"
      </script>
      """;

  @ParameterizedTest(name = "transports: {0}")
  @ValueSource(strings = {"default", "polling"})
  void theSnippetTalksToTheServer(String transports) {
    AtomicReference<String> page = new AtomicReference<>("");
    Undertow pageServer = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
      exchange.getResponseSender().send(page.get());
    }).build();
    pageServer.start();
    int pagePort = ((InetSocketAddress) pageServer.getListenerInfo().get(0).getAddress()).getPort();
    Server io = HelloWorld.create("http://127.0.0.1:" + pagePort);
    try (Listening http = io.listen("127.0.0.1", 0); Browser browser = Browser.start()) {
      String server = "http://127.0.0.1:" + http.port();
      // console.log is captured; "polling" forces the one transport that needs CORS on every request.
      String snippet = SNIPPET.replace("http://localhost:3000", server);
      if (transports.equals("polling")) {
        snippet = snippet.replace("io(\"" + server + "\")", "io(\"" + server + "\", { transports: [\"polling\"] })");
      }
      page.set("<!doctype html><script>window.logged = []; console.log = (m) => logged.push(m);</script>" + snippet);
      browser.open("http://127.0.0.1:" + pagePort + "/");
      browser.waitUntil("return window.logged && window.logged.length === 2");
      @SuppressWarnings("unchecked")
      List<String> logged = (List<String>) browser.js("return window.logged.slice().sort()");
      String socketId = (String) browser.js("return socket.id");
      assertEquals(List.of(socketId + ": hello", "delivered").stream().sorted().toList(), logged);
    } finally {
      io.close();
      pageServer.stop();
    }
  }
}
