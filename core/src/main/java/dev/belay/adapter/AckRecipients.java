package dev.belay.adapter;

import java.util.List;

/**
 * Told which sockets a broadcast with acknowledgements reached, so that it knows how many answers
 * to wait for, and whose pending acknowledgement to drop after its timeout. An adapter calls it
 * exactly once per broadcast.
 *
 * <pre>{@code
 * List<LocalSocket> reached = ...;   // written with LocalSocket.writeWithAck
 * recipients.reached(reached, 0);     // a cluster adapter adds the count the other nodes reported
 * }</pre>
 */
@FunctionalInterface
public interface AckRecipients {
  /**
   * @param local the sockets of this server that got the packet
   * @param remote how many sockets on other servers got it (0 for the in-memory adapter)
   */
  void reached(List<LocalSocket> local, int remote);
}
