package dev.belay.transport;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.Listening;
import dev.belay.testing.HttpExchangeContract;
import io.undertow.Undertow;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The Undertow binding's {@link HttpExchange} against the contract the engine relies on: each
 * request is wrapped and dispatched exactly as {@link BelayHandler} does before the engine sees it.
 */
class UndertowExchangeContractTest extends HttpExchangeContract {
  private static final int MAX_FRAME = 1_000_000;

  @Override
  protected Listening serve(Consumer<HttpExchange> handler) {
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setHandler(exchange -> {
          UndertowExchange wrapped = new UndertowExchange(exchange, MAX_FRAME, 60_000);
          exchange.dispatch(SameThreadExecutor.INSTANCE, () -> handler.accept(wrapped));
        })
        .build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    return new Listening() {
      @Override public int port() { return port; }

      @Override public String host() { return "127.0.0.1"; }

      @Override public void close() { undertow.stop(); }
    };
  }
}
