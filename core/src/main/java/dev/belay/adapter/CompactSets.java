package dev.belay.adapter;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Insertion-ordered sets of strings for the in-memory adapter's room maps, sized for what they
 * usually hold: a socket is in a few rooms (its own id, one or two more) and most rooms hold one
 * socket (the socket's own room). Up to {@link #SMALL} elements a set is an immutable array (a
 * LinkedHashSet of one costs about 190 bytes, this about 40); beyond, a LinkedHashSet changed in
 * place. So at 10,000 sockets the rooms cost kilobytes, not megabytes, which keeps an idle client small.
 *
 * <p>Threading: none of its own; the adapter calls it under its lock, and stores what
 * {@link #plus} and {@link #minus} return.
 */
final class CompactSets {
  /** Largest set kept as an array: linear lookups stay cheaper than hashing up to about here. */
  static final int SMALL = 8;

  private CompactSets() {}

  /** {@code set} (null or any empty set: empty) with {@code item} added, in insertion order; store the result. */
  static Set<String> plus(Set<String> set, String item) {
    if (set == null || set.isEmpty()) return new ArraySet(new String[] {item});
    if (set instanceof ArraySet small) {
      if (small.contains(item)) return small;
      if (small.items.length < SMALL) {
        String[] items = Arrays.copyOf(small.items, small.items.length + 1);
        items[small.items.length] = item;
        return new ArraySet(items);
      }
      set = new LinkedHashSet<>(small);
    }
    set.add(item);
    return set;
  }

  /** {@code set} without {@code item}, or null once empty; store the result. */
  static Set<String> minus(Set<String> set, String item) {
    if (set == null) return null;
    if (set instanceof ArraySet small) {
      int i = small.indexOf(item);
      if (i < 0) return small;
      if (small.items.length == 1) return null;
      String[] items = new String[small.items.length - 1];
      System.arraycopy(small.items, 0, items, 0, i);
      System.arraycopy(small.items, i + 1, items, i, items.length - i);
      return new ArraySet(items);
    }
    set.remove(item);
    return set.isEmpty() ? null : set;
  }

  /** An immutable set over an array, in insertion order; never empty. */
  private static final class ArraySet extends AbstractSet<String> {
    /** Final and never changed: a new ArraySet replaces this one. */
    private final String[] items;

    ArraySet(String[] items) {
      this.items = items;
    }

    int indexOf(Object o) {
      for (int i = 0; i < items.length; i++) if (items[i].equals(o)) return i;
      return -1;
    }

    @Override
    public boolean contains(Object o) {
      return indexOf(o) >= 0;
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public Iterator<String> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < items.length;
        }

        @Override
        public String next() {
          if (next >= items.length) throw new NoSuchElementException();
          return items[next++];
        }
      };
    }
  }
}
