package dev.belay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The transport registry: one list from which names, preference and option checks derive. */
class TransportKindTest {
  @Test
  void theRegistryListsEveryTransportMostPreferredFirst() {
    assertEquals(List.of("websocket", "sse", "polling"), TransportKind.names());
    assertEquals(TransportKind.names(), EngineOptions.ALL_TRANSPORTS);
    assertEquals(0, TransportKind.rank("websocket"));
    assertEquals(2, TransportKind.rank("polling"));
    assertEquals(-1, TransportKind.rank("carrier-pigeon"));
    assertNull(TransportKind.named("carrier-pigeon"));
    assertTrue(TransportKind.named("websocket").overWebSocket());
    for (TransportKind kind : TransportKind.ALL) {
      assertEquals(kind, TransportKind.named(kind.name()));
      assertEquals(kind.name().equals("websocket"), kind.overWebSocket(), kind.name());
    }
  }

  @Test
  void optionsAcceptOnlyRegisteredTransports() {
    assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().transports("carrier-pigeon"));
    assertEquals(List.of("polling"), EngineOptions.builder().transports("polling").build().transports());
  }
}
