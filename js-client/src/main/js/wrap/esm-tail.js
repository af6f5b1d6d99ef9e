// The shared connection's worker is the classic script next to this module.
sharedScriptUrl = import.meta.url.replace(/\.esm\./, ".");
io.Manager = Manager;
io.Socket = Socket;
io.io = io;
io.connect = io;
export { io, io as connect, Manager, Socket, Emitter as _Emitter, _internals };
export default io;
