// Usage: node watch-job.mjs <hub url> <job id>
// Subscribes to one job the documented way and prints one JSON line per event it applies, then "done".
import * as signalR from "@microsoft/signalr";

const [hubUrl, jobId] = process.argv.slice(2);
const connection = new signalR.HubConnectionBuilder()
  .withUrl(hubUrl)
  .withAutomaticReconnect()
  .configureLogging(signalR.LogLevel.Warning)
  .build();

let lastSeq = -1;
let subscribed = false;
const early = [];
const print = (method, e) => console.log(JSON.stringify({ method, ...e }));

function apply(method, e) {
  if (e.seq <= lastSeq) return;          // the snapshot or replay already covered it
  lastSeq = e.seq;
  print(method, e);
  if (method === "OnCompleted") {
    console.log("done");
    connection.stop().then(() => process.exit(0));
  }
}

for (const method of ["OnState", "OnProgress", "OnLog", "OnCompleted", "OnGap", "OnSnapshot"]) {
  connection.on(method, e => (subscribed ? apply(method, e) : early.push([method, e])));
}

await connection.start();
try {
  await connection.invoke("Pause", "0123456789abcdef0123456789abcdef");
} catch (err) {
  print("HubError", { message: err.message });
}

// The documented pattern (docs/protocol.md, "The SignalR hub"): hold live events until Subscribe answers, apply the
// snapshot and the replay, then the held and later events above the snapshot's seq. After an automatic reconnect the
// connection is new: subscribe again from the last seq applied.
async function subscribe() {
  subscribed = false;
  const replay = await connection.invoke("Subscribe", jobId, lastSeq >= 0 ? lastSeq : null);
  print("Snapshot", replay.snapshot);
  lastSeq = Math.max(lastSeq, replay.snapshot.seq);
  for (const e of replay.events) print("Replay:" + e.type, e);
  subscribed = true;
  for (const [method, e] of early.splice(0)) apply(method, e);
  const last = replay.events.at(-1);
  if (last && last.type === "completed") {
    console.log("done");
    await connection.stop();
    process.exit(0);
  }
}

connection.onreconnected(() => subscribe());
await subscribe();
setTimeout(() => { console.error("timed out"); process.exit(2); }, 60000);
