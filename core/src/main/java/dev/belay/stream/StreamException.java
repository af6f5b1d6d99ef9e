package dev.belay.stream;

/**
 * Why a transfer failed: refused, aborted by either side, cut off without recovery, or its
 * checksum did not match. A transfer that fails is never reported complete.
 *
 * <pre>{@code
 * in.completion().exceptionally(e -> { log.warn("upload failed: " + e.getMessage()); return null; });
 * }</pre>
 */
public final class StreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StreamException(String reason) {
    super(reason);
  }
}
