package dev.belay.bench;

/** Placeholder, written next. */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws Exception {
    throw new UnsupportedOperationException("todo");
  }
}
