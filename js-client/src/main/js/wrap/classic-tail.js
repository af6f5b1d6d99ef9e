io.Manager = Manager;
io.Socket = Socket;
io.io = io;
io.connect = io;
root.io = io;
// Loaded as the shared connection's worker (io(url, { shared: true })): serve the tabs.
if (typeof SharedWorkerGlobalScope !== "undefined" && root instanceof SharedWorkerGlobalScope) startSharedWorker(root);
})(typeof globalThis !== "undefined" ? globalThis : typeof self !== "undefined" ? self : this);
