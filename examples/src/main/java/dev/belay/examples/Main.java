package dev.belay.examples;

/** Entry point of {@code belay-examples.jar}: {@code java -jar belay-examples.jar <example> [--port N]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("usage: java -jar belay-examples.jar conformance --port N");
    System.exit(2);
  }
}
