/**
 * The server side of the Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5.x): install it on a
 * {@link dev.belay.Server} with {@link dev.belay.admin.AdminUi#install} and point the UI (the one
 * published in that npm package) at the server.
 *
 * <pre>{@code
 * AdminUi.install(io, AdminUiOptions.basicAuth("admin", "$2a$10$...").readonly(true).build());
 * }</pre>
 */
package dev.belay.admin;
