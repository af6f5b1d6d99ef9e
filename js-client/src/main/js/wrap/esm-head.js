/*! Belay client: Socket.IO v4 compatible API over WebSocket, SSE and long-polling. ES module. */
