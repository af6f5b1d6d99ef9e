package dev.belay;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Runs middleware steps in order; each may continue from any thread, once. */
final class MiddlewareChain {
  /** One middleware applied to its subject. */
  @FunctionalInterface
  interface Step<M> {
    void apply(M middleware, Next next) throws Exception;
  }

  private MiddlewareChain() {}

  /** Calls {@code done} with null when every step proceeded, or with the first failure. */
  static <M> void run(List<M> middlewares, Step<M> step, Consumer<Exception> done) {
    runFrom(List.copyOf(middlewares), 0, step, done);
  }

  private static <M> void runFrom(List<M> middlewares, int index, Step<M> step, Consumer<Exception> done) {
    if (index >= middlewares.size()) {
      done.accept(null);
      return;
    }
    AtomicBoolean called = new AtomicBoolean();
    Next next = new Next() {
      @Override
      public void proceed() {
        if (called.compareAndSet(false, true)) runFrom(middlewares, index + 1, step, done);
      }

      @Override
      public void fail(Exception error) {
        if (called.compareAndSet(false, true)) done.accept(error == null ? new Exception("middleware failed") : error);
      }
    };
    try {
      step.apply(middlewares.get(index), next);
    } catch (Exception e) {
      next.fail(e);
    }
  }
}
