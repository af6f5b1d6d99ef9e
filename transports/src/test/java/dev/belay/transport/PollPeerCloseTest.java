package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.RawConnection;
import dev.belay.testing.RawHttp;
import dev.belay.testing.TestEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A held long-poll whose client goes away closes its session at once ("transport close"), not at
 * the ping timeout; watching for that leaves keep-alive and pipelined requests on the poll's
 * connection working. Heartbeats are slow here (10 s + 10 s, longer than any wait), so only the
 * watch can close a session within a test's wait.
 */
class PollPeerCloseTest {
  private TestEngine server;
  private String bystander;

  @BeforeEach
  void start() {
    server = TestEngine.start(b -> b.pingInterval(Duration.ofSeconds(10)).pingTimeout(Duration.ofSeconds(10)));
    bystander = RawHttp.openPolling(server);
    server.nextConnection();
  }

  @AfterEach
  void bystanderStillWorks() {
    try {
      RawHttp.post(server.url("EIO=4&transport=polling&sid=" + bystander), "4still alive");
      assertEquals("4still alive", RawHttp.get(server.url("EIO=4&transport=polling&sid=" + bystander)).body());
    } finally {
      server.close();
    }
  }

  private static String poll(String sid) {
    return "GET /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  private static String post(String sid, String body) {
    return "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void aHeldPollWhoseClientClosesItsConnectionClosesTheSessionAtOnce() throws Exception {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(poll(sid));
      Await.until(socket::isWritable, "the poll to be held");
    } // the client goes away, saying nothing more
    assertEquals(sid + " TRANSPORT_CLOSE", Await.take(server.closes, "the session to close"));
    assertNull(server.engine.socket(sid));
    assertEquals(400, RawHttp.get(server.url("EIO=4&transport=polling&sid=" + sid)).statusCode());
  }

  @Test
  void aHeldPollIsAnsweredAndItsConnectionCarriesTheNextRequests() throws Exception {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    try (RawConnection c = RawConnection.open(server.http.port())) {
      for (int i = 0; i < 3; i++) {
        c.send(poll(sid));
        Await.until(socket::isWritable, "the poll to be held");
        socket.send("round " + i);
        RawConnection.Response r = c.readResponse();
        assertEquals(200, r.status());
        assertEquals("4round " + i, r.body());
      }
      c.send(post(sid, "4posted"));
      assertEquals("ok", c.readResponse().body());
      c.send(poll(sid));
      assertEquals("4posted", c.readResponse().body());
    }
  }

  @Test
  void aRequestPipelinedBehindAHeldPollIsServedAfterIt() throws Exception {
    String sid = RawHttp.openPolling(server);
    EngineSocket socket = server.nextConnection();
    try (RawConnection c = RawConnection.open(server.http.port())) {
      c.send(poll(sid));
      Await.until(socket::isWritable, "the poll to be held");
      c.send(post(sid, "4piped")); // arrives while the poll is held: left for Undertow
      socket.send("first");
      RawConnection.Response first = c.readResponse();
      assertEquals("4first", first.body());
      RawConnection.Response posted = c.readResponse();
      assertEquals(200, posted.status(), posted.body());
      assertEquals("ok", posted.body());
      c.send(poll(sid));
      assertEquals("4piped", c.readResponse().body());
    }
  }
}
