package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client that answers the handshake at once (its POST arriving before the server thread that
 * sent the open packet has moved on) must not lose that message: the connection listeners are
 * announced before the open packet can leave.
 */
class HandshakeOrderTest {

  @Test
  void aMessageSentTheInstantTheHandshakeArrivesReachesTheConnectionListener() {
    ArrayDeque<Runnable> workers = new ArrayDeque<>();
    EngineServer server = new EngineServer(EngineOptions.builder().scheduler(new FakeScheduler())
        .executor(workers::add).pingInterval(Duration.ofSeconds(30)).build());
    List<Object> received = new ArrayList<>();
    server.onConnection(socket -> socket.onMessage(received::add));

    FakeHttpExchange handshake = new FakeHttpExchange("GET", "EIO=4&transport=polling", null);
    handshake.onRespond = body -> {
      // The fastest possible client: it posts its first message from inside the response.
      String sid = body.substring(body.indexOf("\"sid\":\"") + 7, body.indexOf("\",\""));
      server.handle(new FakeHttpExchange("POST", "EIO=4&transport=polling&sid=" + sid, "4first"));
    };
    server.handle(handshake);
    while (!workers.isEmpty()) workers.poll().run();

    assertTrue(handshake.body.startsWith("0{"), handshake.body);
    assertEquals(List.of("first"), received);
  }
}
