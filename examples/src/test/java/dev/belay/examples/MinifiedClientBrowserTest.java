package dev.belay.examples;

/**
 * Every test of {@link BundledClientBrowserTest} on {@code /socket.io/socket.io.min.js}, the
 * esbuild-minified client: the same behaviour as the full one.
 */
class MinifiedClientBrowserTest extends BundledClientBrowserTest {
  @Override
  String script() {
    return "socket.io.min.js";
  }
}
