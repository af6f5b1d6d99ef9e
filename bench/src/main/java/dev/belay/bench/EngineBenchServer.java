package dev.belay.bench;

import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code engine-server}: the bench contract on Belay's Engine.IO layer and Undertow binding, with
 * the Socket.IO framing done by hand as in the floor. It isolates what the engine and transports
 * cost from what the event layer ({@code server}) adds, and it ran before that layer existed.
 * It takes {@code --listeners io-thread} as {@link BelayServer} does.
 */
public final class EngineBenchServer {
  private EngineBenchServer() {}

  public static void main(String host, int port, boolean listenersOnIoThread) throws Exception {
    Admin.start(host, port + 1);
    EngineServer engine = new EngineServer(EngineOptions.builder()
        .path("/socket.io/")
        .pingInterval(Duration.ofMillis(25_000))
        .pingTimeout(Duration.ofMillis(20_000))
        .listenersOnIoThread(listenersOnIoThread)
        .build());
    Set<EngineSocket> all = ConcurrentHashMap.newKeySet();
    engine.onConnection(socket -> {
      socket.onClose((reason, description) -> all.remove(socket));
      socket.onMessage(data -> {
        if (data instanceof String text) {
          onText(socket, text, all);
        }
      });
    });
    engine.listen(host, port);
    System.out.println("engine-server (Belay Engine.IO layer) listening on " + host + ":" + port);
  }

  /** {@code text} is the Socket.IO packet: the Engine.IO message without its {@code 4}. */
  private static void onText(EngineSocket socket, String text, Set<EngineSocket> all) {
    if (text.startsWith("2")) {
      int i = 1;
      while (i < text.length() && Character.isDigit(text.charAt(i))) {
        i++;
      }
      String ackId = text.substring(1, i);
      String body = text.substring(i);
      if (body.startsWith("[\"echo\"")) {
        if (!ackId.isEmpty()) {
          String args = body.substring(7);
          socket.send("3" + ackId + "[" + (args.startsWith(",") ? args.substring(1) : args));
        } else {
          socket.send(text);
        }
      } else if (body.startsWith("[\"broadcast\"")) {
        String tick = "2[\"tick\"" + body.substring(12);
        for (EngineSocket s : all) {
          s.send(tick);
        }
      }
    } else if (text.startsWith("0")) {
      all.add(socket);
      socket.send("0{\"sid\":\"" + socket.id() + "\"}");
    } else if (text.startsWith("1")) {
      all.remove(socket);
      socket.close();
    }
  }
}
