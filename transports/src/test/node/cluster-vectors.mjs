// Prints the bytes the Node Redis Streams adapter puts on the wire for a few cluster messages, as
// hex (Pub/Sub payloads, MessagePack) and as stream fields. Run once to produce the literal test
// vectors of cluster-redis's codec tests: node cluster-vectors.mjs
import { encode } from "@msgpack/msgpack";

const hex = (value) => Buffer.from(encode(value)).toString("hex");
const vectors = {
  scalars: [null, true, false, 0, 127, 128, 255, 256, 65535, 65536, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, 1.5, "", "é", "a".repeat(32)],
  broadcastWithAck: { type: 3, data: { packet: { type: 2, data: ["hello", 1, { a: [true, null] }], nsp: "/" }, requestId: "0123456789abcdef", opts: { rooms: ["room1"], except: [], flags: { timeout: 2000 } } }, uid: "aaaaaaaaaaaaaaaa", nsp: "/" },
  serverSideEmitBinary: { type: 9, data: { packet: ["bin", Buffer.from([1, 2, 3])] }, uid: "bbbbbbbbbbbbbbbb", nsp: "/" },
  clientCount: { type: 11, data: { requestId: "r1", clientCount: 2 }, uid: "cccccccccccccccc", nsp: "/" },
  binaryStreamData: Buffer.from(encode({ packet: { type: 2, data: ["img", Buffer.from([255, 0])], nsp: "/" }, opts: { rooms: [], except: [], flags: {} } })).toString("base64"),
  session: Buffer.from(encode({ sid: "s1", pid: "p1", rooms: ["s1", "r"], data: { n: 1 } })).toString("base64"),
};
console.log("scalars", JSON.stringify(vectors.scalars.map(hex)));
for (const key of ["broadcastWithAck", "serverSideEmitBinary", "clientCount"]) console.log(key, hex(vectors[key]));
console.log("binaryStreamData", vectors.binaryStreamData);
console.log("session", vectors.session);
console.log("jsonStreamData", JSON.stringify({ packet: { type: 2, data: ["hello", "world"], nsp: "/" }, opts: { rooms: ["r"], except: ["x"], flags: {} } }));
