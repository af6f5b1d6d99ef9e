package dev.belay;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Emits to one socket with flags: an acknowledgement timeout, or {@code volatile} delivery.
 * Immutable; get one from {@link Socket#timeout(Duration)} or {@link Socket#asVolatile()}.
 *
 * <pre>{@code
 * socket.timeout(Duration.ofSeconds(3)).emitWithAck("confirm", order)
 *     .thenAccept(args -> log.info("confirmed: " + args))
 *     .exceptionally(e -> { log.warn("no confirmation", e); return null; });
 * socket.timeout(Duration.ofSeconds(3)).emitWithAck(Receipt.class, "pay", order)
 *     .thenAccept(receipt -> log.info("paid: " + receipt.id()));
 * socket.asVolatile().emit("position", x, y);   // dropped if the client is busy
 * }</pre>
 */
public final class Emitter {
  private final Socket socket;
  private final Duration timeout;
  private final boolean isVolatile;

  Emitter(Socket socket, Duration timeout, boolean isVolatile) {
    this.socket = socket;
    this.timeout = timeout;
    this.isVolatile = isVolatile;
  }

  /** The same emitter with an acknowledgement timeout. */
  public Emitter timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    return new Emitter(socket, timeout, isVolatile);
  }

  /** The same emitter, volatile: the packet is dropped if the client cannot take it right now. */
  public Emitter asVolatile() {
    return new Emitter(socket, timeout, true);
  }

  /** Emits {@code event}; a last argument that is an {@link AckCallback} receives the acknowledgement. */
  public void emit(String event, Object... args) {
    if (args.length > 0 && args[args.length - 1] instanceof AckCallback callback) {
      socket.sendEvent(event, Arrays.copyOf(args, args.length - 1), callback, timeout, isVolatile);
    } else {
      socket.sendEvent(event, args, null, timeout, isVolatile);
    }
  }

  /**
   * Emits {@code event} and completes with the acknowledgement's arguments; fails with an
   * {@link AckTimeoutException} after the timeout (the server's ackTimeout when none was set).
   */
  public CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
    CompletableFuture<List<Object>> future = new CompletableFuture<>();
    socket.sendEvent(event, args, (error, reply) -> {
      if (error != null) future.completeExceptionally(error);
      else future.complete(reply);
    }, timeout, isVolatile);
    return future;
  }

  /**
   * Emits {@code event} and completes with the acknowledgement's first argument mapped to
   * {@code type} through the {@link JsonMapper} ({@code null} if the client answered with none);
   * fails as {@link #emitWithAck(String, Object...)} does, or with the mapper's error.
   *
   * <pre>{@code
   * socket.timeout(Duration.ofSeconds(3)).emitWithAck(Answer.class, "question", "why?")
   *     .thenAccept(answer -> log.info(answer.text()));
   * }</pre>
   */
  public <T> CompletableFuture<T> emitWithAck(Class<T> type, String event, Object... args) {
    Objects.requireNonNull(type, "type");
    return emitWithAck(event, args).thenApply(reply -> reply.isEmpty() ? null : socket.mapper().fromPlain(reply.get(0), type));
  }
}
