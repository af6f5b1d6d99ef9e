package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.testing.NodeScript;
import dev.belay.testing.TestEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official {@code engine.io-client} (npm, v6) under Node against a Belay echo engine: polling
 * only, WebSocket only, and the default polling-then-upgrade, with text and binary both ways.
 */
class EngineClientInteropTest {
  private final TestEngine server = TestEngine.start(b -> b.cors(dev.belay.engine.Cors.anyOrigin()));

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "default"})
  void officialClientExchangesTextAndBinary(String mode) {
    NodeScript.Result run = NodeScript.run("eio-echo.mjs", Duration.ofSeconds(30),
        "http://127.0.0.1:" + server.http.port(), mode);
    assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
    JsonObject result = JsonParser.parseString(run.lines().get(run.lines().size() - 1)).getAsJsonObject();
    assertEquals("hello \u00e9\uD83D\uDE00", result.get("text").getAsString());
    assertEquals("[1,2,3,255]", result.get("binary").toString());
    String expectedTransport = mode.equals("polling") ? "polling" : "websocket";
    assertEquals(expectedTransport, result.get("finalTransport").getAsString());
    if (mode.equals("default")) {
      assertEquals("polling", result.get("transports").getAsJsonArray().get(0).getAsString());
      assertEquals("websocket", result.get("upgradedTo").getAsString());
    }
  }
}
