package dev.belay;

import dev.belay.adapter.AdapterFactory;

/** The cluster adapter contract on three nodes sharing an in-process bus. */
class BusClusterAdapterTest extends ClusterAdapterContractTest {
  private final InProcessBus bus = new InProcessBus();

  @Override
  protected int nodes() {
    return 3;
  }

  @Override
  protected AdapterFactory adapterFactory(int node) {
    return bus.factory("node-" + node, TIMING);
  }

  @Override
  protected void awaitQuiet() throws Exception {
    bus.awaitQuiet();
  }

  @Override
  protected void isolate(int node) {
    bus.isolate("node-" + node);
  }

  @org.junit.jupiter.api.AfterEach
  void closeBus() {
    bus.close();
  }
}
