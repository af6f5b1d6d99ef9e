package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.NodeScript;
import io.socket.client.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both official clients connect over long-polling only, WebSocket only, and polling upgraded to
 * WebSocket (their default), and exchange an event with an acknowledgement on each.
 */
class TransportInteropTest {
  private final SioServer server = SioServer.start(InteropApp::install);

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "upgrade"})
  void nodeClient(String mode) {
    NodeScript.Result result = NodeClient.run("sio-transports.mjs", server.url(), mode);
    String expected = "polling".equals(mode) ? "polling" : "websocket";
    assertTrue(result.lines().contains("OK server transport " + expected), result.stdout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "upgrade"})
  void javaClient(String mode) {
    Socket socket = JavaClient.connect(server.url(), options -> {
      if ("polling".equals(mode)) options.transports = new String[] {"polling"};
      if ("websocket".equals(mode)) options.transports = new String[] {"websocket"};
    });
    try {
      String expected = "polling".equals(mode) ? "polling" : "websocket";
      // After an upgrade the server may still report polling for a moment: ask until it settles.
      Object transport = JavaClient.emitWithAck(socket, "transport")[0];
      for (int i = 0; i < 50 && !expected.equals(transport); i++) {
        transport = JavaClient.emitWithAck(socket, "transport")[0];
      }
      assertEquals(expected, transport);
      Object[] reply = JavaClient.emitWithAck(socket, "echo", "hello", 42, true);
      assertArrayEquals(new Object[] {"hello", 42, true}, reply);
    } finally {
      socket.close();
    }
  }
}
