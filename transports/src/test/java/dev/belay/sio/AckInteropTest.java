package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.Await;
import io.socket.client.Ack;
import io.socket.client.AckWithTimeout;
import io.socket.client.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Acknowledgements in both directions, and timeouts on both sides, with both official clients. */
class AckInteropTest {
  private final SioServer server = SioServer.start(InteropApp::install);

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket"})
  void nodeClient(String mode) {
    NodeClient.run("sio-acks.mjs", server.url(), mode);
  }

  @Test
  void javaClientToServer() {
    Socket socket = JavaClient.connect(server.url());
    try {
      assertArrayEquals(new Object[] {"ping", 1}, JavaClient.emitWithAck(socket, "echo", "ping", 1));

      CompletableFuture<String> timedOut = new CompletableFuture<>();
      socket.emit("no-ack", new Object[0], new AckWithTimeout(300) {
        @Override
        public void onSuccess(Object... args) {
          timedOut.complete("answered");
        }

        @Override
        public void onTimeout() {
          timedOut.complete("timeout");
        }
      });
      assertEquals("timeout", Await.get(timedOut, "the client's ack timeout"));
    } finally {
      socket.close();
    }
  }

  @Test
  void serverToJavaClient() {
    Socket socket = JavaClient.create(server.url(), options -> {});
    socket.on("question", args -> ((Ack) args[args.length - 1]).call(args[0] + "!"));
    socket.on("ignore-me", args -> { });
    CompletableFuture<Object> answer = new CompletableFuture<>();
    CompletableFuture<Object> timeout = new CompletableFuture<>();
    socket.on("answer-received", args -> answer.complete(args[0]));
    socket.on("server-timeout", args -> timeout.complete(args[0]));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.connect();
    try {
      Await.get(connected, "connect");
      socket.emit("ask-me", "why");
      assertEquals("why!", Await.get(answer, "the server to receive the client's ack"));
      socket.emit("please-time-out");
      assertEquals("AckTimeoutException", Await.get(timeout, "the server's ack timeout"));
      assertTrue(socket.connected());
    } finally {
      socket.close();
    }
  }
}
