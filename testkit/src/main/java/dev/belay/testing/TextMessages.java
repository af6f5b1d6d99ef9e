package dev.belay.testing;

import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK WebSocket listener that reads every message and keeps the text ones, whole, in arrival
 * order.
 *
 * <pre>{@code
 * TextMessages ws = new TextMessages();
 * http.newWebSocketBuilder().buildAsync(uri, ws).get(30, TimeUnit.SECONDS);
 * assertTrue(ws.next().startsWith("0{\"sid\":"));
 * }</pre>
 *
 * <p>Threading: the JDK calls the listener on its own threads, one call at a time; {@link #next}
 * may be called from any thread.
 */
public final class TextMessages implements WebSocket.Listener {
  // Whole messages; thread-safe.
  private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  // The parts of the message being received; touched only by the JDK's listener calls.
  private final StringBuilder text = new StringBuilder();

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      texts.add(text.toString());
      text.setLength(0);
    }
    ws.request(1);
    return null;
  }

  /** The next whole text message; fails after 30 s without one. */
  public String next() throws InterruptedException {
    String t = texts.poll(30, TimeUnit.SECONDS);
    if (t == null) throw new AssertionError("no message within 30 s");
    return t;
  }
}
