// Type declarations for the Belay client (socket.io.js / socket.io.esm.js).
// The API follows socket.io-client v4; Belay additions are marked "Belay".

export type TransportName = "websocket" | "sse" | "polling";

export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error"
  | "forced close";

export interface ManagerOptions {
  /** Endpoint path, default "/socket.io". */
  path?: string;
  /** Extra query parameters sent with every request. */
  query?: Record<string, string> | string;
  /** Allowed transports, most preferred first. Default ["websocket", "sse", "polling"]. */
  transports?: TransportName[];
  /** Belay: "race" (default) races transports with a head start; "upgrade" opens the first and upgrades like the official client. */
  negotiation?: "race" | "upgrade";
  /** Belay: head start in ms given to each transport before the next one starts racing. Default 300. */
  headStart?: number;
  /** Belay: how long a remembered winning transport is trusted, in ms. Default one day. */
  rememberTransportMs?: number;
  /** Probe and switch to better transports the server offers. Default true. */
  upgrade?: boolean;
  /** In "upgrade" mode, start on WebSocket when it worked last time. */
  rememberUpgrade?: boolean;
  /** In "upgrade" mode, try the next transport when the first fails. */
  tryAllTransports?: boolean;
  /** Milliseconds to wait for a probe to succeed. Default 10000. */
  upgradeTimeout?: number;
  /** Send cookies/credentials on cross-origin HTTP requests. */
  withCredentials?: boolean;
  /** Extra HTTP headers (HTTP transports; WebSocket only when a WebSocket implementation that supports them is given). */
  extraHeaders?: Record<string, string>;
  /** A WebSocket implementation (for example the `ws` package in Node). */
  WebSocket?: unknown;
  /** Belay: "auto" (EventSource unless headers are needed), "eventsource" or "fetch". */
  sseMode?: "auto" | "eventsource" | "fetch";
  /** Belay: number polls and POSTs so that one sent again after a lost answer loses or repeats nothing (belay_ack/belay_seq). Default true. */
  resend?: boolean;
  /** Belay: how many times a numbered poll or POST is sent again after a network error. Default 1. */
  resendAttempts?: number;
  /** Connection timeout in ms (false: none). Default 20000. */
  timeout?: number | false;
  reconnection?: boolean;
  reconnectionAttempts?: number;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  randomizationFactor?: number;
  autoConnect?: boolean;
  addTrailingSlash?: boolean;
  timestampRequests?: boolean;
}

export interface SocketOptions {
  auth?: Record<string, unknown> | ((cb: (data: Record<string, unknown>) => void) => void);
  /** Default timeout for acknowledgements, in ms. */
  ackTimeout?: number;
  /**
   * Retries for emits with acknowledgement (emits are then queued and sent one at a time).
   * Belay: a queued emit keeps its ack id on every re-send (after an ack timeout, and first after a
   * reconnection), so a server with connection state recovery handles it once; its callback is called once.
   */
  retries?: number;
  /**
   * Belay: the most emits held back (waiting for a connection, or in the `retries` queue). Over it an
   * emit is refused: its callback gets Error("emit buffer full") and `droppedEmits` grows. Default 1000.
   */
  maxBufferedEmits?: number;
}

export interface IoOptions extends ManagerOptions, SocketOptions {
  forceNew?: boolean;
  multiplex?: boolean;
}

type Listener = (...args: any[]) => void;

export declare class Emitter {
  on(event: string, listener: Listener): this;
  once(event: string, listener: Listener): this;
  off(event?: string, listener?: Listener): this;
  removeAllListeners(event?: string): this;
  listeners(event: string): Listener[];
  hasListeners(event: string): boolean;
}

export interface Transport {
  readonly name: TransportName;
  readonly writable: boolean;
}

export interface Engine extends Emitter {
  readonly id: string | null;
  readonly transport: Transport;
  readonly readyState: "opening" | "open" | "closing" | "closed";
  close(): this;
}

export declare class Manager extends Emitter {
  constructor(uri?: string, opts?: ManagerOptions);
  constructor(opts: ManagerOptions);
  readonly engine: Engine;
  readonly opts: ManagerOptions;
  open(fn?: (err?: Error) => void): this;
  connect(fn?: (err?: Error) => void): this;
  socket(nsp: string, opts?: SocketOptions): Socket;
  reconnection(v: boolean): this;
  reconnection(): boolean;
  reconnectionAttempts(v: number): this;
  reconnectionAttempts(): number;
  reconnectionDelay(v: number): this;
  reconnectionDelay(): number;
  reconnectionDelayMax(v: number): this;
  reconnectionDelayMax(): number;
  randomizationFactor(v: number): this;
  randomizationFactor(): number;
  timeout(v: number | false): this;
  timeout(): number | false;
  on(event: "open" | "ping" | "reconnect_failed", listener: () => void): this;
  on(event: "error" | "reconnect_error", listener: (err: Error) => void): this;
  on(event: "close", listener: (reason: string, description?: unknown) => void): this;
  on(event: "reconnect" | "reconnect_attempt", listener: (attempt: number) => void): this;
  on(event: string, listener: Listener): this;
}

export declare class Socket extends Emitter {
  readonly io: Manager;
  readonly nsp: string;
  id: string | undefined;
  connected: boolean;
  readonly disconnected: boolean;
  readonly active: boolean;
  recovered: boolean;
  /** Belay: how many emits were refused because `maxBufferedEmits` were already held. */
  readonly droppedEmits: number;
  auth: SocketOptions["auth"];
  connect(): this;
  open(): this;
  disconnect(): this;
  close(): this;
  send(...args: any[]): this;
  emit(event: string, ...args: any[]): this;
  emitWithAck(event: string, ...args: any[]): Promise<any>;
  timeout(ms: number): this;
  readonly volatile: this;
  compress(compress: boolean): this;
  on(event: "connect", listener: () => void): this;
  on(event: "connect_error", listener: (err: Error & { data?: unknown }) => void): this;
  on(event: "disconnect", listener: (reason: DisconnectReason, description?: unknown) => void): this;
  on(event: string, listener: Listener): this;
  onAny(listener: (event: string, ...args: any[]) => void): this;
  prependAny(listener: (event: string, ...args: any[]) => void): this;
  offAny(listener?: (event: string, ...args: any[]) => void): this;
  listenersAny(): Listener[];
  onAnyOutgoing(listener: (event: string, ...args: any[]) => void): this;
  prependAnyOutgoing(listener: (event: string, ...args: any[]) => void): this;
  offAnyOutgoing(listener?: (event: string, ...args: any[]) => void): this;
  listenersAnyOutgoing(): Listener[];
  /** Belay: opens a large-data transfer to the server (chunked, flow-controlled, SHA-256 checked). */
  stream(name: string, meta?: unknown): OutboundTransfer;
  /** Belay: receives the server's transfers named `name`. */
  onStream(name: string, listener: (meta: any, transfer: InboundTransfer) => void): this;
}

/** Belay: a transfer this client sends; each write resolves once the server's credit let it go. */
export interface OutboundTransfer {
  readonly id: string;
  readonly name: string;
  readonly written: number;
  /** Bytes the server confirmed receiving. */
  readonly acknowledged: number;
  /** Chunk bytes sent, resends after reconnections included. */
  readonly bytesSent: number;
  onprogress: ((acknowledged: number) => void) | null;
  write(data: ArrayBuffer | ArrayBufferView): Promise<void>;
  /** Resolves with the size once the server verified every byte. */
  end(): Promise<number>;
  abort(reason: string): void;
  readonly done: Promise<number>;
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;
}

/** Belay: a transfer the server sends; `done` resolves only when complete and the SHA-256 matched. */
export interface InboundTransfer {
  readonly id: string;
  readonly name: string;
  readonly meta: any;
  readonly received: number;
  onprogress: ((received: number) => void) | null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly done: Promise<number>;
  abort(reason: string): void;
}

export declare function io(opts?: Partial<IoOptions>): Socket;
export declare function io(uri?: string, opts?: Partial<IoOptions>): Socket;
export { io as connect };
export default io;

/** The global `io` that the classic script (socket.io.js) defines. */
export interface IoStatic {
  (opts?: Partial<IoOptions>): Socket;
  (uri?: string, opts?: Partial<IoOptions>): Socket;
  Manager: typeof Manager;
  Socket: typeof Socket;
  io: IoStatic;
  connect: IoStatic;
}

declare global {
  var io: IoStatic;
}
