/**
 * Belay's event API, in Socket.IO's vocabulary: {@link dev.belay.Server}, {@link dev.belay.Namespace},
 * {@link dev.belay.Socket}, {@link dev.belay.BroadcastOperator}, acknowledgements, rooms and
 * middleware, over the Engine.IO session layer in {@code dev.belay.engine}.
 *
 * <pre>{@code
 * Server io = new Server(ServerOptions.defaults());
 * io.on("connection", socket -> socket.on("ping", (args, ack) -> ack.send("pong")));
 * io.listen(3000);
 * }</pre>
 *
 * <p>Threading: every public method may be called from any thread; listeners of one client
 * connection run one at a time, in order, on worker threads. Do not block a listener waiting for
 * an acknowledgement from the same client: the acknowledgement is delivered on that same lane.
 * Chain on the returned {@code CompletableFuture} instead.
 */
package dev.belay;
