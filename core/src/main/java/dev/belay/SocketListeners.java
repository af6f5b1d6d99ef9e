package dev.belay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The listeners of one {@link Socket}: by event, catch-all (incoming and outgoing), packet
 * middleware, disconnecting and disconnect; added and removed from any thread, called by the
 * socket (incoming ones on the client's lane, outgoing ones on the emitting thread).
 *
 * <pre>{@code
 * listeners.add("chat", (args, ack) -> ack.send("ok"));
 * listeners.dispatch("chat", List.of("hi"), ack);   // catch-alls first, then "chat"'s listeners
 * }</pre>
 *
 * <p>Threading: each registry is an immutable snapshot, replaced under this object's monitor
 * when a listener is added or removed (rare), and read without a lock. An empty registry is a
 * shared immutable empty, so a socket pays only for the listeners it has.
 */
final class SocketListeners {
  private static final System.Logger LOG = System.getLogger(SocketListeners.class.getName());

  // event name -> listeners.
  private volatile Map<String, List<EventListener>> byEvent = Map.of();
  // Catch-all listeners: incoming events, and events emitted to the client.
  private volatile List<AnyListener> any = List.of();
  private volatile List<AnyListener> anyOutgoing = List.of();
  // Packet middleware.
  private volatile List<PacketMiddleware> middlewares = List.of();
  // disconnecting / disconnect listeners.
  private volatile List<DisconnectListener> disconnecting = List.of();
  private volatile List<DisconnectListener> disconnect = List.of();

  // ---------------------------------------------------------------- adding and removing

  /** Adds {@code listener}; {@code "disconnect"} and {@code "disconnecting"} get the reason's text. */
  synchronized void add(String event, EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    switch (event) {
      case "disconnect" -> disconnect = append(disconnect, new DisconnectAsEvent(listener));
      case "disconnecting" -> disconnecting = append(disconnecting, new DisconnectAsEvent(listener));
      default -> {
        Map<String, List<EventListener>> copy = new HashMap<>(byEvent);
        copy.put(event, append(copy.getOrDefault(event, List.of()), listener));
        byEvent = Map.copyOf(copy);
      }
    }
  }

  /** Adds {@code listener} for the next {@code event} only. */
  void addOnce(String event, EventListener listener) {
    add(event, new Once(event, Objects.requireNonNull(listener, "listener")));
  }

  /** Removes every listener of {@code event}. */
  synchronized void removeAll(String event) {
    switch (event) {
      case "disconnect" -> disconnect = List.of();
      case "disconnecting" -> disconnecting = List.of();
      default -> {
        if (!byEvent.containsKey(event)) return;
        Map<String, List<EventListener>> copy = new HashMap<>(byEvent);
        copy.remove(event);
        byEvent = Map.copyOf(copy);
      }
    }
  }

  /** Removes the latest registration of {@code listener} for {@code event} (added with on or once). */
  synchronized void remove(String event, EventListener listener) {
    switch (event) {
      case "disconnect" -> disconnect = withoutLast(disconnect, l -> wraps(l, listener));
      case "disconnecting" -> disconnecting = withoutLast(disconnecting, l -> wraps(l, listener));
      default -> {
        List<EventListener> list = byEvent.get(event);
        if (list == null) return;
        List<EventListener> left = withoutLast(list, l -> is(l, listener));
        if (left == list) return;
        Map<String, List<EventListener>> copy = new HashMap<>(byEvent);
        if (left.isEmpty()) copy.remove(event);
        else copy.put(event, left);
        byEvent = Map.copyOf(copy);
      }
    }
  }

  synchronized void addAny(AnyListener listener) {
    any = append(any, listener);
  }

  /** Removes one catch-all, or every one when {@code listener} is null. */
  synchronized void removeAny(AnyListener listener) {
    any = listener == null ? List.of() : withoutLast(any, l -> l == listener);
  }

  synchronized void addAnyOutgoing(AnyListener listener) {
    anyOutgoing = append(anyOutgoing, listener);
  }

  /** Removes one outgoing catch-all, or every one when {@code listener} is null. */
  synchronized void removeAnyOutgoing(AnyListener listener) {
    anyOutgoing = listener == null ? List.of() : withoutLast(anyOutgoing, l -> l == listener);
  }

  synchronized void addMiddleware(PacketMiddleware middleware) {
    middlewares = append(middlewares, middleware);
  }

  synchronized void addDisconnecting(DisconnectListener listener) {
    disconnecting = append(disconnecting, listener);
  }

  synchronized void addDisconnect(DisconnectListener listener) {
    disconnect = append(disconnect, listener);
  }

  // ---------------------------------------------------------------- calling

  List<PacketMiddleware> middlewares() {
    return middlewares;
  }

  /** Lane. An incoming event: the catch-alls, then the event's own listeners. */
  void dispatch(String name, List<Object> args, Ack ack) {
    for (AnyListener listener : any) {
      try {
        listener.onAny(name, args);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "onAny listener failed for event " + name, e);
      }
    }
    emitLocal(name, args, ack);
  }

  /** Lane. Calls the listeners of {@code name} only (no catch-alls). */
  void emitLocal(String name, List<Object> args, Ack ack) {
    List<EventListener> list = byEvent.get(name);
    if (list == null) return;
    for (EventListener listener : list) {
      try {
        listener.onEvent(args, ack);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "listener for event " + name + " failed", e);
      }
    }
  }

  /** Emitting thread. See {@link Socket#notifyOutgoing}: one volatile read when nobody listens. */
  void notifyOutgoing(List<Object> eventData) {
    List<AnyListener> list = anyOutgoing;
    if (list.isEmpty() || eventData.isEmpty() || !(eventData.get(0) instanceof String name)) return;
    List<Object> args = java.util.Collections.unmodifiableList(eventData.subList(1, eventData.size()));
    for (AnyListener listener : list) {
      try {
        listener.onAny(name, args);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "onAnyOutgoing listener failed for event " + name, e);
      }
    }
  }

  /** Lane. The socket is about to leave its rooms. */
  void fireDisconnecting(DisconnectReason reason) {
    fire(disconnecting, reason);
  }

  /** Lane. The socket has left its namespace. */
  void fireDisconnect(DisconnectReason reason) {
    fire(disconnect, reason);
  }

  private static void fire(List<DisconnectListener> list, DisconnectReason reason) {
    for (DisconnectListener listener : list) {
      try {
        listener.onDisconnect(reason);
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "disconnect listener failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Whether {@code registered} is {@code listener}, directly or added with once. */
  private static boolean is(EventListener registered, EventListener listener) {
    return registered == listener || registered instanceof Once o && o.listener == listener;
  }

  /** Whether a disconnect listener is {@code listener} as added through {@link #add}. */
  private static boolean wraps(DisconnectListener registered, EventListener listener) {
    return registered instanceof DisconnectAsEvent d && is(d.listener(), listener);
  }

  /** A copy of {@code list} without its last element matching {@code match}; {@code list} itself if none does. */
  private static <T> List<T> withoutLast(List<T> list, Predicate<T> match) {
    for (int i = list.size() - 1; i >= 0; i--) {
      if (match.test(list.get(i))) {
        List<T> copy = new ArrayList<>(list);
        copy.remove(i);
        return List.copyOf(copy);
      }
    }
    return list;
  }

  /** A copy of {@code list} with {@code item} appended, immutable. */
  private static <T> List<T> append(List<T> list, T item) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(Objects.requireNonNull(item, "listener"));
    return List.copyOf(copy);
  }

  /** An event listener added for {@code "disconnect"} or {@code "disconnecting"}: gets the reason's text. */
  private record DisconnectAsEvent(EventListener listener) implements DisconnectListener {
    @Override
    public void onDisconnect(DisconnectReason reason) throws Exception {
      listener.onEvent(List.of(reason.text()), Ack.NONE);
    }
  }

  /** A listener added with once: removes itself, then runs, at most once. */
  private final class Once implements EventListener {
    private final String event;
    private final EventListener listener;
    // Set by the first call (on the lane); guards against a second delivery already under way.
    private final AtomicBoolean fired = new AtomicBoolean();

    Once(String event, EventListener listener) {
      this.event = event;
      this.listener = listener;
    }

    @Override
    public void onEvent(List<Object> args, Ack ack) throws Exception {
      if (!fired.compareAndSet(false, true)) return;
      remove(event, this);
      listener.onEvent(args, ack);
    }
  }
}
