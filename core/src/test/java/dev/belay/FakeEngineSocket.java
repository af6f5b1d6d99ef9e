package dev.belay;

import dev.belay.engine.CloseReason;
import dev.belay.engine.EngineSocket;
import dev.belay.engine.TransportRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** An engine session without a network: records what the server sends, lets the test play the client. */
final class FakeEngineSocket implements EngineSocket {
  private static int count;

  private final String id = "eio-" + (++count);
  private final List<Object> sent = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.BlockingQueue<String> textQueue = new java.util.concurrent.LinkedBlockingQueue<>();
  private final List<Consumer<Object>> messageListeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<CloseReason, String>> closeListeners = new CopyOnWriteArrayList<>();
  private final TransportRequest request;
  volatile boolean open = true;
  volatile boolean writable = true;
  volatile CloseReason closeReason;

  FakeEngineSocket() {
    this(Map.of("EIO", List.of("4"), "transport", List.of("polling")));
  }

  FakeEngineSocket(Map<String, List<String>> query) {
    this.request = new FakeRequest(query);
  }

  // The listener lane: tasks not yet run, and whether a thread drains it; guarded by laneQueue.
  private final java.util.ArrayDeque<Runnable> laneQueue = new java.util.ArrayDeque<>();
  private boolean draining;

  /**
   * The client sends a message, delivered on the listener lane: at once on the calling thread if
   * the lane is idle, after the running task otherwise (as the engine's lane does, never nested).
   */
  void receive(Object frame) {
    execute(() -> {
      for (Consumer<Object> listener : messageListeners) listener.accept(frame);
    });
  }

  /** The engine's listener lane, draining on the thread that finds it idle. */
  @Override
  public void execute(Runnable task) {
    synchronized (laneQueue) {
      laneQueue.add(task);
      if (draining) return;
      draining = true;
    }
    RuntimeException failure = null;
    while (true) {
      Runnable next;
      synchronized (laneQueue) {
        next = laneQueue.poll();
        if (next == null) {
          draining = false;
          break;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) { // the lane goes on; the test still sees the failure
        if (failure == null) failure = e;
      }
    }
    if (failure != null) throw failure;
  }

  /** Everything the server sent so far: Strings and byte arrays. */
  List<Object> sent() {
    return new ArrayList<>(sent);
  }

  /** The text frames sent so far. */
  List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (Object frame : sent) if (frame instanceof String s) texts.add(s);
    return texts;
  }

  String lastText() {
    List<String> texts = texts();
    return texts.isEmpty() ? null : texts.get(texts.size() - 1);
  }

  void clearSent() {
    sent.clear();
    textQueue.clear();
  }

  /** Waits for the next text frame (for work that finishes on another thread). */
  String awaitText() throws InterruptedException {
    String text = textQueue.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    if (text == null) throw new AssertionError("no text frame within 5 s");
    return text;
  }

  @Override public String id() { return id; }
  @Override public String transport() { return "polling"; }
  @Override public TransportRequest request() { return request; }
  @Override public long createdAt() { return 1_700_000_000_000L; }
  @Override public boolean isOpen() { return open; }
  @Override public boolean isWritable() { return writable; }

  @Override
  public boolean send(String text) {
    if (!open) return false;
    sent.add(text);
    textQueue.add(text);
    return true;
  }

  @Override
  public boolean send(byte[] data) {
    if (!open) return false;
    sent.add(data);
    return true;
  }

  @Override
  public boolean send(dev.belay.engine.parser.EnginePacket message) {
    return message.isBinary() ? send(message.binary()) : send(message.text());
  }

  @Override
  public synchronized boolean sendAll(List<?> messages) {
    if (!open) return false;
    for (Object m : messages) {
      Object data = m instanceof dev.belay.engine.parser.EnginePacket p ? p.data() : m;
      sent.add(data);
      if (data instanceof String t) textQueue.add(t);
    }
    return true;
  }

  @Override
  public void close() {
    close(CloseReason.FORCED_CLOSE);
  }

  @Override
  public void close(CloseReason reason) {
    synchronized (this) {
      if (!open) return;
      open = false;
      closeReason = reason;
    }
    execute(() -> {
      for (BiConsumer<CloseReason, String> listener : closeListeners) listener.accept(reason, reason.text());
    });
  }

  @Override
  public EngineSocket onMessage(Consumer<Object> listener) {
    messageListeners.add(listener);
    return this;
  }

  @Override
  public EngineSocket onClose(BiConsumer<CloseReason, String> listener) {
    closeListeners.add(listener);
    return this;
  }

  @Override
  public EngineSocket onUpgrade(Consumer<String> listener) {
    return this;
  }

  private record FakeRequest(Map<String, List<String>> queryParameters) implements TransportRequest {
    @Override public String method() { return "GET"; }
    @Override public String path() { return "/socket.io/"; }
    @Override public String url() { return "/socket.io/?EIO=4&transport=polling"; }
    @Override public String query(String name) {
      List<String> values = queryParameters.get(name);
      return values == null ? null : values.get(0);
    }
    @Override public String header(String name) { return "user-agent".equalsIgnoreCase(name) ? "fake" : null; }
    @Override public Map<String, List<String>> headers() {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("User-Agent", List.of("fake"));
      return headers;
    }
    @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 50000); }
    @Override public boolean secure() { return false; }
  }
}
