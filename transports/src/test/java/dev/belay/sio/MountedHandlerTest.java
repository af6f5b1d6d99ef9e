package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.testing.RawHttp;
import dev.belay.transport.BelayHandler;
import io.socket.client.Socket;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Socket.IO server mounted into an application's own Undertow server, next to its routes. */
class MountedHandlerTest {
  private final Server io = new Server(ServerOptions.defaults());
  private final Undertow undertow;
  private final int port;

  MountedHandlerTest() {
    io.on("connection", socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    undertow = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setHandler(new BelayHandler(io, exchange -> exchange.getResponseSender().send("the app")))
        .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @AfterEach
  void stop() {
    io.close();
    undertow.stop();
  }

  @Test
  void socketIoAndTheAppShareTheServer() throws Exception {
    Socket socket = JavaClient.connect("http://127.0.0.1:" + port);
    assertEquals("mounted", JavaClient.emitWithAck(socket, "echo", "mounted")[0]);
    socket.close();

    HttpResponse<String> page = RawHttp.CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("the app", page.body());
  }
}
