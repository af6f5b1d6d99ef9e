/**
 * Rooms and broadcast delivery behind an SPI: {@link dev.belay.adapter.Adapter}, with the
 * single-server {@link dev.belay.adapter.InMemoryAdapter}. A cluster adapter implements the same
 * interface and publishes each operation to the other nodes.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().adapter(InMemoryAdapter::new).build();
 * }</pre>
 */
package dev.belay.adapter;
