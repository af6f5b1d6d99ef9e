/**
 * Engine.IO v4 session layer: sessions, transports seam, heartbeat, upgrade. No HTTP server inside:
 * a binding reaches the engine through the contract in {@code dev.belay.binding}.
 */
package dev.belay.engine;
