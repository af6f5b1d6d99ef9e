// node sio-binary.mjs <url> <mode>
// Binary both ways, at the top level and nested in objects and arrays.
import { watchdog, options, connect, next, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode] = process.argv.slice(2);
const socket = await connect(url, options(mode));

const top = Buffer.from([1, 2, 3]);
const nested = { label: "deep", blob: Buffer.from([4, 5]), list: [Buffer.from([6]), "x", { more: Buffer.from([7, 8, 9]) }] };
const empty = Buffer.alloc(0);

const echoed = next(socket, "binary-back");
const ack = await ackAll(socket, "binary", top, nested, empty, "text");

function same(args, where) {
  check(where + ": top-level buffer", Buffer.from(args[0]).equals(top), [...Buffer.from(args[0])]);
  check(where + ": nested buffer", Buffer.from(args[1].blob).equals(nested.blob), args[1]);
  check(where + ": buffer in array", Buffer.from(args[1].list[0]).equals(Buffer.from([6])), args[1].list);
  check(where + ": buffer two levels down", Buffer.from(args[1].list[2].more).equals(Buffer.from([7, 8, 9])), args[1].list[2]);
  check(where + ": plain values kept", args[1].label === "deep" && args[1].list[1] === "x" && args[3] === "text", args);
  check(where + ": empty buffer", Buffer.from(args[2]).length === 0, args[2]);
}

same(ack, "ack");
same(await echoed, "event");

socket.disconnect();
console.log("DONE");
process.exit(0);
