package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.EngineSocket;
import dev.belay.testing.Await;
import dev.belay.testing.RawWebSocket;
import dev.belay.testing.TestEngine;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Where listeners run: Belay's workers by default, the connection's I/O thread when asked. */
class ListenerThreadsTest {

  @Test
  void listenersRunOnWorkersByDefault() {
    assertTrue(listenerThreadOf(false).startsWith("belay-worker"), "ran on " + listenerThreadOf(false));
  }

  @Test
  void listenersOnIoThreadRunWhereTheMessageArrived() {
    String thread = listenerThreadOf(true);
    assertTrue(thread.contains("I/O"), "ran on " + thread); // Undertow names its I/O threads XNIO-n I/O-m
  }

  @Test
  void aListenerThatHoldsTheIoThreadIsLoggedAndTheSessionGoesOn() throws Exception {
    BlockingQueue<LogRecord> warnings = new LinkedBlockingQueue<>();
    Logger logger = Logger.getLogger("dev.belay.engine.SerialLane");
    Handler handler = new Handler() {
      @Override public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) warnings.add(record);
      }
      @Override public void flush() {}
      @Override public void close() {}
    };
    logger.addHandler(handler);
    try (TestEngine server = TestEngine.startSilent(b -> b.listenersOnIoThread(true))) {
      RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
      EngineSocket socket = server.nextConnection();
      socket.onMessage(data -> {
        if ("slow".equals(data)) busyFor(150); // a handler doing 150 ms of work on the I/O thread
        socket.send("done " + data);
      });
      ws.nextText();
      ws.sendText("4slow");
      assertEquals("4done slow", ws.nextSkippingPings());
      LogRecord warning = Await.take(warnings, "the slow-listener warning");
      assertTrue(warning.getMessage().contains("listenersOnIoThread"), warning.getMessage());
      ws.sendText("4fast");
      assertEquals("4done fast", ws.nextSkippingPings());
      ws.close();
    } finally {
      logger.removeHandler(handler);
    }
  }

  private static String listenerThreadOf(boolean onIoThread) {
    try (TestEngine server = TestEngine.startSilent(b -> b.listenersOnIoThread(onIoThread))) {
      RawWebSocket ws = RawWebSocket.connect(server.wsUrl("EIO=4&transport=websocket"));
      EngineSocket socket = server.nextConnection();
      socket.onMessage(data -> socket.send(Thread.currentThread().getName()));
      ws.nextText();
      ws.sendText("4which thread?");
      String reply = (String) ws.nextSkippingPings();
      ws.close();
      return reply.substring(1);
    }
  }

  private static void busyFor(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) Thread.onSpinWait();
  }
}
