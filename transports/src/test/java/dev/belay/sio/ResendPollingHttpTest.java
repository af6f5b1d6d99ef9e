package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resend-safe polling and POSTs (PROTOCOL.md) over real HTTP with the JDK client, as a browser that
 * silently sends a request again would: a poll asked for again gets the same answer and nothing is
 * lost; an event POSTed twice reaches its handler once; requests without the parameters are plain
 * Engine.IO; a bad number is a 400 that closes only that session.
 */
class ResendPollingHttpTest {
  private final AtomicInteger count = new AtomicInteger();
  private final SioServer server = SioServer.start(
      // Heartbeats out of the way: the test reads every poll answer exactly.
      engine -> engine.pingInterval(Duration.ofSeconds(20)).pingTimeout(Duration.ofSeconds(20)),
      options -> { },
      io -> io.on("connection", socket -> {
        socket.on("inc", (args, ack) -> count.incrementAndGet());
        socket.on("count", (args, ack) -> ack.send(count.get()));
        socket.on("tell", (args, ack) -> socket.emit("told", args.get(0)));
      }));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPollAskedForAgainGetsTheSameAnswerAndAPostSentTwiceIsHandledOnce() {
    HttpResponse<String> open = RawHttp.get(url("&belay_ack=0"));
    assertEquals("1", open.headers().firstValue("X-Belay-Seq").orElseThrow());
    String sid = sidOf(open.body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=1"), "40").body());
    HttpResponse<String> connect = RawHttp.get(url("&sid=" + sid + "&belay_ack=1"));
    assertTrue(connect.body().startsWith("40{\"sid\":"), connect.body());
    assertEquals("2", connect.headers().firstValue("X-Belay-Seq").orElseThrow());

    HttpResponse<String> again = RawHttp.get(url("&sid=" + sid + "&belay_ack=1"));
    assertEquals(connect.body(), again.body(), "the same answer again");
    assertEquals("2", again.headers().firstValue("X-Belay-Seq").orElseThrow());

    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=2"), "42[\"inc\"]").body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=2"), "42[\"inc\"]").body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=3"), "421[\"count\"]").body());
    HttpResponse<String> counted = RawHttp.get(url("&sid=" + sid + "&belay_ack=2"));
    assertEquals("431[1]", counted.body(), "the handler ran once");
    assertEquals("3", counted.headers().firstValue("X-Belay-Seq").orElseThrow());

    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=4"), "42[\"tell\",\"a\"]").body());
    HttpResponse<String> told = RawHttp.get(url("&sid=" + sid + "&belay_ack=3"));
    assertEquals("42[\"told\",\"a\"]", told.body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid + "&belay_seq=5"), "42[\"tell\",\"b\"]").body());
    // The answer with "a" was lost: asked for again, it comes again, and "b" waits for the next poll.
    assertEquals("42[\"told\",\"a\"]", RawHttp.get(url("&sid=" + sid + "&belay_ack=3")).body());
    assertEquals("42[\"told\",\"b\"]", RawHttp.get(url("&sid=" + sid + "&belay_ack=4")).body());
  }

  @Test
  void withoutTheParametersItIsPlainEngineIo() {
    HttpResponse<String> open = RawHttp.get(url(""));
    assertFalse(open.headers().firstValue("X-Belay-Seq").isPresent());
    String sid = sidOf(open.body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid), "40").body());
    HttpResponse<String> connect = RawHttp.get(url("&sid=" + sid));
    assertTrue(connect.body().startsWith("40{\"sid\":"), connect.body());
    assertFalse(connect.headers().firstValue("X-Belay-Seq").isPresent());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid), "42[\"inc\"]").body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid), "42[\"inc\"]").body());
    assertEquals("ok", RawHttp.post(url("&sid=" + sid), "421[\"count\"]").body());
    assertEquals("431[2]", RawHttp.get(url("&sid=" + sid)).body(), "an unnumbered POST is handled each time");
  }

  @Test
  void aBadNumberIsA400WithTheJsonErrorAndClosesOnlyThatSession() {
    String other = sidOf(RawHttp.get(url("&belay_ack=0")).body());
    for (String bad : new String[] {"&belay_ack=7", "&belay_ack=abc", "&belay_seq=9", "&belay_seq=%2B1"}) {
      String sid = sidOf(RawHttp.get(url("&belay_ack=0")).body());
      HttpResponse<String> r = bad.contains("seq")
          ? RawHttp.post(url("&sid=" + sid + bad), "40")
          : RawHttp.get(url("&sid=" + sid + bad));
      assertEquals(400, r.statusCode(), bad);
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("{\"code\":3,\"message\":\"Bad request\"}", r.body());
      HttpResponse<String> after = RawHttp.get(url("&sid=" + sid));
      assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", after.body(), bad + ": that session is gone");
    }
    assertEquals("ok", RawHttp.post(url("&sid=" + other + "&belay_seq=1"), "40").body());
    assertTrue(RawHttp.get(url("&sid=" + other + "&belay_ack=1")).body().startsWith("40{"), "the other session goes on");
  }

  private String url(String extra) {
    return server.url() + "/socket.io/?EIO=4&transport=polling" + extra;
  }

  private static String sidOf(String openBody) {
    return openBody.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
  }
}
