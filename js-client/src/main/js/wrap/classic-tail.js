io.Manager = Manager;
io.Socket = Socket;
io.io = io;
io.connect = io;
root.io = io;
})(typeof globalThis !== "undefined" ? globalThis : typeof self !== "undefined" ? self : this);
