package dev.belay.testing;

/** Bounded waits for browser tests. */
public final class Await {
  /** Generous: tests share two cores with builds; a wait only takes this long when something is wrong. */
  public static final long SECONDS = 30;

  private Await() {}
}
