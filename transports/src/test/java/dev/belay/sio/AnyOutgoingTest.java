package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.testing.Await;
import io.socket.client.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** socket.onAnyOutgoing sees what this socket emits, as the client then receives it. */
class AnyOutgoingTest {
  private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>();
  private final SioServer server = SioServer.start(io -> io.on("connection", socket -> {
    socket.onAnyOutgoing((event, args) -> outgoing.add(event + " " + args));
    socket.on("greet-me", (args, ack) -> socket.emit("greeting", "hello", args.get(0)));
  }));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anEmitIsSeenByTheListenerAndReceivedByTheClient() {
    Socket client = JavaClient.connect(server.url());
    CompletableFuture<List<Object>> received = new CompletableFuture<>();
    client.on("greeting", args -> received.complete(List.of(args)));
    try {
      client.emit("greet-me", "ann");
      assertEquals(List.of("hello", "ann"), Await.get(received, "the greeting"));
      assertEquals("greeting [hello, ann]", Await.take(outgoing, "the outgoing listener"));
    } finally {
      client.close();
    }
  }
}
