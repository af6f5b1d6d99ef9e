/**
 * The contract between the engine and an HTTP server binding. Core has no HTTP server: a binding
 * (Undertow in {@code belay-transports}) accepts connections, turns each request into an
 * {@link dev.belay.binding.HttpExchange} and hands it to
 * {@link dev.belay.engine.EngineServer#handle(HttpExchange)}; it is found through
 * {@link java.util.ServiceLoader} as an {@link dev.belay.binding.HttpBinding}.
 *
 * <pre>{@code
 * // in the binding's request handler, on its I/O thread:
 * engine.handle(new MyExchange(request, response));
 * }</pre>
 *
 * <p>What a binding must do:
 * <ul>
 *   <li>Answer each exchange once: {@code respond} sends status, headers and body and ends it;
 *       later calls are ignored. A streamed response writes its chunks to the network in call
 *       order, without buffering, tells each write's {@link dev.belay.binding.WriteCallback} when
 *       it has left or failed, and ends on {@code close}.</li>
 *   <li>Read a request body without blocking and call exactly one of the body listener's methods;
 *       a body over the limit is {@code onTooLarge}, and the connection is then not reused.</li>
 *   <li>Run an exchange's abort callback once if the peer goes away before the response ends.</li>
 *   <li>Complete WebSocket handshakes, deliver frames to the {@link dev.belay.binding.WebSocketListener}
 *       in order, send frames in call order, and never change a shared frame array.</li>
 * </ul>
 *
 * <p>{@link dev.belay.binding.ListenOptions} and {@link dev.belay.binding.Tls} say how a
 * binding's own server listens (TLS, HTTP/2); a binding that serves only plain HTTP/1.1 inherits
 * {@link dev.belay.binding.HttpBinding#listen(dev.belay.engine.EngineServer, ListenOptions)}'s
 * default, which refuses the rest. Over HTTP/2 one connection carries many exchanges: the abort
 * callback is per exchange (a stream's end), not per connection.
 *
 * <p>Threading: the engine calls every method from any thread (its workers, timers, other
 * connections' I/O threads); a binding moves the work to the connection's I/O thread as needed
 * and never blocks the caller. A binding calls the engine from its I/O threads and must not hold
 * a lock while doing so. A connection may name its I/O thread ({@link dev.belay.binding.IoThread})
 * so the engine can run that connection's work there. No type of the HTTP server in use appears
 * in this package.
 */
package dev.belay.binding;
