package dev.belay.bench;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;

/**
 * The bench contract on netty-socketio 2.0.x with its defaults (threads, transports), only the
 * heartbeat set to Socket.IO's 25000/20000 like the others.
 */
public final class NettyServer {
  private NettyServer() {}

  public static void main(String host, int port) throws Exception {
    Admin.start(host, port + 1);
    Configuration config = new Configuration();
    config.setHostname(host);
    config.setPort(port);
    config.setContext("/socket.io");
    config.setPingInterval(25_000);
    config.setPingTimeout(20_000);
    SocketIOServer server = new SocketIOServer(config);
    server.addConnectListener(client -> client.joinRoom("all"));
    server.addEventListener("echo", Object.class, (SocketIOClient client, Object data, AckRequest ack) -> {
      if (ack.isAckRequested()) {
        ack.sendAckData(data);
      } else {
        client.sendEvent("echo", data);
      }
    });
    server.addEventListener("broadcast", Object.class,
        (SocketIOClient client, Object data, AckRequest ack) -> server.getRoomOperations("all").sendEvent("tick", data));
    server.start();
    System.out.println("netty-server listening on " + host + ":" + port);
  }
}
