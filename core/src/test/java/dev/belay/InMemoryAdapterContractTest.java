package dev.belay;

import dev.belay.adapter.AdapterFactory;
import dev.belay.adapter.InMemoryAdapter;

/** The adapter contract on the single-server in-memory adapter. */
class InMemoryAdapterContractTest extends AdapterContractTest {
  @Override
  protected int nodes() {
    return 1;
  }

  @Override
  protected AdapterFactory adapterFactory(int node) {
    return InMemoryAdapter::new;
  }
}
