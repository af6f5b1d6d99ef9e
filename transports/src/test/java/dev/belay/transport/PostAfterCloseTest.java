package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.testing.Await;
import dev.belay.testing.RawConnection;
import dev.belay.testing.RawHttp;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A POST whose session closes while its body is still on the way is answered 400
 * {@code {"code":1,"message":"Session ID unknown"}}, not "ok": its packets were not handled, and
 * the client must not believe they were.
 */
class PostAfterCloseTest {

  @Test
  void aPostWhoseSessionClosedWhileItsBodyWasOnTheWayIsA400() throws Exception {
    EngineServer engine = new EngineServer(EngineOptions.builder().path("/engine.io/").build());
    List<Object> received = new CopyOnWriteArrayList<>();
    engine.onConnection(s -> s.onMessage(received::add));
    BelayHandler belay = new BelayHandler(engine);
    CountDownLatch postRouted = new CountDownLatch(1);
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
      belay.handleRequest(exchange);
      // Queued behind the engine's handling of this request on the same I/O thread.
      if (exchange.getRequestMethod().toString().equals("POST")) exchange.getIoThread().execute(postRouted::countDown);
    }).build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    try (RawConnection c = RawConnection.open(port)) {
      String open = RawHttp.get("http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling").body();
      String sid = open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
      c.send("POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: text/plain\r\nContent-Length: 10\r\n\r\n4hel");
      Await.latch(postRouted, "the POST to be routed to its session");
      engine.socket(sid).close();
      c.send("lo, you?");
      RawConnection.Response r = c.readResponse();
      assertEquals(400, r.status());
      assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", r.body());
      assertEquals(List.of(), received, "nothing in it was handled");
    } finally {
      engine.close();
      undertow.stop();
    }
  }
}
