package dev.belay.examples;

import dev.belay.Server;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;

/**
 * The guarded fixture alone, mounted as the README says, in a process of its own so that a test
 * can give it a small heap ({@link SlowReaderTest}). Prints {@code port N} once listening, then
 * {@code closed REASON: description} for each session that closes. Runs until killed.
 */
public final class GuardedServerProcess {
  private GuardedServerProcess() {}

  public static void main(String[] args) {
    Server io = GuardedFixture.create();
    io.engine().onConnection(session -> session.onClose((reason, description) ->
        System.out.println("closed " + reason.name() + ": " + description)));
    Undertow undertow = BelayUndertow.builder(io)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(new BelayHandler(io, ResponseCodeHandler.HANDLE_404))
        .build();
    undertow.start();
    System.out.println("port " + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
  }
}
