package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Binary arguments both ways, at the top level and nested in objects and arrays. */
class BinaryInteropTest {
  private final SioServer server = SioServer.start(InteropApp::install);

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void nodeClient(String mode) {
    NodeClient.run("sio-binary.mjs", server.url(), mode);
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void javaClient(String mode) throws Exception {
    Socket socket = JavaClient.connect(server.url(), options -> options.transports = new String[] {mode});
    try {
      CompletableFuture<Object[]> echoed = new CompletableFuture<>();
      socket.on("binary-back", echoed::complete);
      JSONObject nested = new JSONObject()
          .put("label", "deep")
          .put("blob", new byte[] {4, 5})
          .put("list", new JSONArray().put(new byte[] {6}).put("x"));
      Object[] ack = JavaClient.emitWithAck(socket, "binary", new byte[] {1, 2, 3}, nested);
      check(ack);
      check(Await.get(echoed, "binary-back"));
    } finally {
      socket.close();
    }
  }

  private static void check(Object[] args) throws Exception {
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) args[0]);
    JSONObject nested = (JSONObject) args[1];
    assertEquals("deep", nested.getString("label"));
    assertArrayEquals(new byte[] {4, 5}, (byte[]) nested.get("blob"));
    assertArrayEquals(new byte[] {6}, (byte[]) nested.getJSONArray("list").get(0));
    assertEquals("x", nested.getJSONArray("list").get(1));
  }
}
