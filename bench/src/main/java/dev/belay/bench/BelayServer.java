package dev.belay.bench;

/**
 * The bench contract on Belay. Placeholder until the public API ({@code dev.belay.Server}) lands
 * on main: see bench/README.md, "Status".
 */
public final class BelayServer {
  private BelayServer() {}

  public static void main(String host, int port) throws Exception {
    throw new UnsupportedOperationException("the Belay public API has not landed on main yet");
  }
}
