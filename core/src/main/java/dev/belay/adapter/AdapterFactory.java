package dev.belay.adapter;

/**
 * Creates the {@link Adapter} of each namespace.
 *
 * <pre>{@code
 * ServerOptions.builder().adapter(InMemoryAdapter::new).build();
 * }</pre>
 */
@FunctionalInterface
public interface AdapterFactory {
  Adapter create(LocalNamespace namespace);
}
