package dev.belay.transport;

import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.testing.TestEngine;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A {@link TestEngine} mounted as an application would: {@code new BelayHandler(engine, next)} in
 * the application's own Undertow, configured by {@code server} (its options, such as
 * MAX_ENTITY_SIZE, are the application's, not Belay's). Other paths answer 404.
 *
 * <pre>{@code
 * try (TestEngine e = MountedEngine.start(b -> {}, u -> u.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 1024L))) {
 *   RawHttp.openPolling(e);
 * }
 * }</pre>
 */
final class MountedEngine {
  private MountedEngine() {}

  static TestEngine start(Consumer<EngineOptions.Builder> customize, Consumer<Undertow.Builder> server) {
    return TestEngine.served(customize, engine -> {
      Undertow.Builder builder = Undertow.builder().addHttpListener(0, "127.0.0.1")
          .setHandler(new BelayHandler(engine, ResponseCodeHandler.HANDLE_404));
      server.accept(builder);
      Undertow undertow = builder.build();
      undertow.start();
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      return new Listening() {
        @Override public int port() { return port; }

        @Override public String host() { return "127.0.0.1"; }

        @Override
        public void close() {
          engine.close();
          undertow.stop();
        }
      };
    });
  }
}
