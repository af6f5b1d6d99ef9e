package dev.belay.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The adapter's compact room sets behave as the LinkedHashSets they replace, across the size switch. */
class CompactSetsTest {
  @Test
  void behavesAsALinkedHashSetThroughGrowthAndShrinking() {
    Set<String> set = null;
    Set<String> expected = new LinkedHashSet<>();
    for (int i = 0; i < 3 * CompactSets.SMALL; i++) {
      set = CompactSets.plus(set, "r" + i);
      set = CompactSets.plus(set, "r" + i / 2); // a duplicate: no change
      expected.add("r" + i);
      assertEquals(new ArrayList<>(expected), new ArrayList<>(set), "insertion order after adding r" + i);
    }
    for (int i = 0; i < 3 * CompactSets.SMALL; i += 2) {
      set = CompactSets.minus(set, "r" + i);
      set = CompactSets.minus(set, "absent");
      expected.remove("r" + i);
      assertEquals(new ArrayList<>(expected), new ArrayList<>(set));
      assertEquals(expected, set);
    }
    for (String s : List.copyOf(expected)) set = CompactSets.minus(set, s);
    assertNull(set, "an emptied set is null, so its room is dropped");
  }

  @Test
  void smallSetsRemoveFromAnyPositionAndStartFromAnyEmptySet() {
    Set<String> set = CompactSets.plus(Set.of(), "a");
    set = CompactSets.plus(set, "b");
    set = CompactSets.plus(set, "c");
    assertEquals(List.of("a", "c"), new ArrayList<>(CompactSets.minus(set, "b")));
    assertEquals(List.of("b", "c"), new ArrayList<>(CompactSets.minus(set, "a")));
    assertEquals(List.of("a", "b"), new ArrayList<>(CompactSets.minus(set, "c")));
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(set), "a small set is never changed in place");
    assertTrue(set.contains("b"));
    assertFalse(set.contains("d"));
    assertNull(CompactSets.minus(null, "a"));
  }

  @Test
  void adapterRoomsKeepTheirOrderAndEmptyRoomsDisappear() {
    InMemoryAdapter adapter = new InMemoryAdapter(new FakeNamespace(null));
    adapter.addAll("s1", new LinkedHashSet<>(List.of("s1", "all")));
    adapter.addAll("s2", new LinkedHashSet<>(List.of("s2", "all")));
    for (int i = 0; i < 20; i++) adapter.addAll("s1", Set.of("room" + i));
    List<String> rooms = new ArrayList<>(adapter.socketRooms("s1"));
    assertEquals(List.of("s1", "all", "room0", "room1"), rooms.subList(0, 4));
    assertEquals(22, rooms.size());
    assertEquals(List.of("s1", "s2"), new ArrayList<>(adapter.sockets(Set.of("all"))));
    adapter.del("s1", "all");
    assertEquals(List.of("s2"), new ArrayList<>(adapter.sockets(Set.of("all"))));
    adapter.del("s2", "s2");
    adapter.del("s2", "all");
    assertEquals(Set.of(), adapter.socketRooms("s2"));
    assertEquals(Set.of("s1", "s2"), adapter.sockets(Set.of()), "a socket with no rooms is still known");
    adapter.addAll("s2", Set.of("again"));
    assertEquals(Set.of("again"), adapter.socketRooms("s2"));
    adapter.delAll("s1");
    assertEquals(Set.of(), adapter.sockets(Set.of("room3")));
    assertEquals(Set.of("s2"), adapter.sockets(Set.of()));
  }
}
