/**
 * Micrometer metrics of a Belay server ({@link dev.belay.metrics.BelayMetrics}). Micrometer is an
 * optional dependency: add {@code io.micrometer:micrometer-core} (or a registry, such as
 * {@code micrometer-registry-prometheus}) to use this package.
 */
package dev.belay.metrics;
