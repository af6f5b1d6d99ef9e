/** Engine.IO v4 session layer: sessions, transports seam, heartbeat, upgrade. No HTTP server inside. */
package dev.belay.engine;
