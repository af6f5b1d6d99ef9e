/** Belay transports on Undertow: the HTTP handler, long-polling, WebSocket and SSE. */
package dev.belay.transport;
