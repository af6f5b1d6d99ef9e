package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.testing.RawHttp;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Belay mounted into an application's own Undertow server: its path is served, the rest falls through. */
class MountTest {

  @Test
  void servesItsPathAndHandsEverythingElseToNext() {
    EngineServer engine = new EngineServer(EngineOptions.builder().path("/rt").build());
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setHandler(new BelayHandler(engine, exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          exchange.getResponseSender().send("app:" + exchange.getRequestPath());
        })).build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      String base = "http://127.0.0.1:" + port;
      assertEquals("app:/index.html", RawHttp.get(base + "/index.html").body());
      assertEquals("app:/rt/other", RawHttp.get(base + "/rt/other").body());
      assertEquals(200, RawHttp.get(base + "/rt/?EIO=4&transport=polling").statusCode());
      assertEquals(200, RawHttp.get(base + "/rt?EIO=4&transport=polling").statusCode());
    } finally {
      engine.close();
      undertow.stop();
    }
  }

  @Test
  void defaultHandlerAnswers404ElsewhereAndTheEngineListensOnItsOwn() {
    EngineServer engine = new EngineServer(EngineOptions.defaults());
    try (var http = engine.listen("127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + http.port();
      assertEquals(404, RawHttp.get(base + "/elsewhere").statusCode());
      assertEquals(200, RawHttp.get(base + "/socket.io/?EIO=4&transport=polling").statusCode());
    }
  }

  @Test
  void servesTheBundledClientUnlessTurnedOff() {
    EngineServer serving = new EngineServer(EngineOptions.defaults());
    try (var http = serving.listen("127.0.0.1", 0)) {
      var r = RawHttp.get("http://127.0.0.1:" + http.port() + "/socket.io/socket.io.js");
      assertEquals(200, r.statusCode());
      assertEquals(true, r.body().contains("io"));
    }
    EngineServer silent = new EngineServer(EngineOptions.builder().serveClient(false).build());
    try (var http = silent.listen("127.0.0.1", 0)) {
      assertEquals(404, RawHttp.get("http://127.0.0.1:" + http.port() + "/socket.io/socket.io.js").statusCode());
    }
  }
}
