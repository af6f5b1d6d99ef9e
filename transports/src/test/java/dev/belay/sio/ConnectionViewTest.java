package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Connection;
import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** socket.conn(): the connection under a socket, its transport and upgrade, and cutting it. */
class ConnectionViewTest {
  private final CompletableFuture<dev.belay.Socket> joined = new CompletableFuture<>();
  private final CompletableFuture<String> firstTransport = new CompletableFuture<>();
  private final CompletableFuture<String> upgradedTo = new CompletableFuture<>();
  private final SioServer server = SioServer.start(io -> io.on("connection", socket -> {
    Connection conn = socket.conn();
    firstTransport.complete(conn.transport());
    conn.onUpgrade(upgradedTo::complete);
    joined.complete(socket);
  }));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPollingClientIsSeenUpgradingToWebSocket() {
    Socket client = JavaClient.connect(server.url());
    try {
      dev.belay.Socket socket = Await.get(joined, "the connection");
      assertEquals("polling", Await.get(firstTransport, "the first transport"));
      assertEquals("websocket", Await.get(upgradedTo, "the upgrade"));
      assertEquals("websocket", socket.conn().transport());
      assertEquals(socket.connectionId(), socket.conn().id());
    } finally {
      client.close();
    }
  }

  @Test
  void closingTheConnectionIsATransportCloseForTheClient() {
    // Polling: the Java client reads the CLOSE packet there (over WebSocket it waits for the ping
    // timeout instead of answering the server's close frame).
    Socket client = JavaClient.create(server.url(), options -> options.transports = new String[] {"polling"});
    CompletableFuture<Object> disconnected = new CompletableFuture<>();
    client.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(args.length > 0 ? args[0] : null));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    client.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    client.connect();
    try {
      Await.get(connected, "connect");
      dev.belay.Socket socket = Await.get(joined, "the connection");
      CompletableFuture<String> reason = new CompletableFuture<>();
      socket.onDisconnect(r -> reason.complete(r.text()));
      socket.conn().close();
      assertEquals("forced close", Await.get(reason, "the server-side disconnect"));
      // Not "io server disconnect": the client would reconnect on its own.
      assertEquals("transport close", Await.get(disconnected, "the client's disconnect"));
    } finally {
      client.close();
    }
  }
}
