/*! Belay client: Socket.IO v4 compatible API over WebSocket, SSE and long-polling. Classic script: defines the global `io`. */
(function (root) {
"use strict";
