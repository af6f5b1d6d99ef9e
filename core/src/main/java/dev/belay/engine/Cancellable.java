package dev.belay.engine;

/** A scheduled task that can be called off; cancelling twice, or after it ran, does nothing. */
@FunctionalInterface
public interface Cancellable {
  void cancel();
}
