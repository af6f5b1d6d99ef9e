package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Namespaces, auth payloads, unknown namespaces and connect_error from middleware. */
class NamespaceAuthTest {
  private final SioServer server = SioServer.start(InteropApp::install);

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void nodeClient(String mode) {
    NodeClient.run("sio-namespaces.mjs", server.url(), mode);
  }

  @Test
  void javaClientAuthReachesTheNamespace() throws Exception {
    Socket admin = JavaClient.create(server.url() + "/admin", options -> options.auth = Map.of("token", "abc"));
    CompletableFuture<Object> auth = new CompletableFuture<>();
    admin.on("auth", args -> auth.complete(args[0]));
    admin.connect();
    try {
      JSONObject received = (JSONObject) Await.get(auth, "the auth echo");
      assertEquals("abc", received.getString("token"));
    } finally {
      admin.close();
    }
  }

  @Test
  void javaClientUnknownNamespace() throws Exception {
    JSONObject error = connectError(JavaClient.create(server.url() + "/nowhere", options -> {}));
    assertEquals("Invalid namespace", error.getString("message"));
  }

  @Test
  void javaClientMiddlewareRefusalAndAcceptance() throws Exception {
    JSONObject error = connectError(
        JavaClient.create(server.url() + "/private", options -> options.auth = Map.of("token", "wrong")));
    assertEquals("not authorized", error.getString("message"));
    assertEquals("bad token", error.getJSONObject("data").getString("reason"));

    Socket accepted = JavaClient.connect(server.url() + "/private", options -> options.auth = Map.of("token", "letmein"));
    assertTrue(accepted.connected());
    accepted.close();
  }

  private static JSONObject connectError(Socket socket) {
    CompletableFuture<Object> error = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
    socket.once(Socket.EVENT_CONNECT, args -> error.completeExceptionally(new AssertionError("connected")));
    socket.connect();
    try {
      return (JSONObject) Await.get(error, "connect_error");
    } finally {
      socket.close();
    }
  }
}
