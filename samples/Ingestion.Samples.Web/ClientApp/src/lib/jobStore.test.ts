import { describe, expect, it } from "vitest";
import { JobStore } from "./jobStore";
import type { JobEvent, JobSnapshot, JobState } from "./types";

const id = "0123456789abcdef0123456789abcdef";

function snapshot(seq: number, state: JobState = "running", processed = 0): JobSnapshot {
  return {
    id,
    kind: "huggingface",
    name: "synthetic-medium",
    state,
    parameters: { dataset: "generated/arc-synthetic" },
    progress: {
      total: 40,
      processed,
      succeeded: processed,
      failed: 0,
      skipped: 0,
      counters: {},
      currentItem: null,
      message: null,
      elapsed: 1,
      itemsPerSecond: 1,
      estimatedRemaining: null,
      percentComplete: null,
    },
    createdAt: "2026-12-04T05:00:00+00:00",
    startedAt: "2026-12-04T05:00:00+00:00",
    finishedAt: null,
    isCancellationRequested: false,
    error: null,
    checkpoint: null,
    results: {},
    runCount: 1,
    lastSeq: seq,
  };
}

const at = (seq: number) => ({ jobId: id, seq, timestamp: "2026-12-04T05:00:01+00:00" });
const log = (seq: number): JobEvent => ({ type: "log", level: "information", message: `line ${seq}`, exception: null, ...at(seq) });
const state = (seq: number, s: JobState, previous: JobState): JobEvent => ({ type: "state", state: s, previousState: previous, error: null, ...at(seq) });
const progress = (seq: number, processed: number): JobEvent => ({ type: "progress", progress: { ...snapshot(seq).progress, processed }, ...at(seq) });

function store(capacity = 2000) {
  return new JobStore(capacity, () => {});
}

describe("JobStore", () => {
  it("applies events after a snapshot and ignores older ones (a replay overlapping live events)", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(10, "running", 5), ...at(10) });
    s.apply(progress(12, 7));
    s.apply(progress(11, 6)); // older than what it has: ignored
    s.apply(state(13, "pausing", "running"));
    s.apply(state(9, "running", "queued")); // from the replay, before the snapshot
    s.flush();

    const view = s.get(id)!;
    expect(view.job!.progress.processed).toBe(7);
    expect(view.job!.state).toBe("pausing");
    expect(view.lastSeq).toBe(13);
  });

  it("keeps an event that came before the snapshot it is newer than", () => {
    const s = store();
    s.apply(progress(12, 7));
    s.apply({ type: "snapshot", job: snapshot(10, "running", 5), ...at(10) });
    s.flush();

    expect(s.get(id)!.job!.progress.processed).toBe(7);
  });

  it("merges a journal replay into the live lines in seq order, each line once", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(3), ...at(3) });
    [7, 8].forEach((n) => s.apply(log(n)));
    [2, 4, 7].forEach((n) => s.apply(log(n))); // the replay: older lines, and one it already has
    s.flush();

    expect(s.get(id)!.logs.map((l) => l.seq)).toEqual([2, 4, 7, 8]);
  });

  it("keeps the newest lines up to its capacity, counts the rest, and does not take dropped ones back", () => {
    const s = store(1000);
    s.apply({ type: "snapshot", job: snapshot(1), ...at(1) });
    for (let n = 2; n <= 5001; n++) s.apply(log(n));
    s.apply(log(100)); // a replay of a line the cap let go
    s.flush();

    const view = s.get(id)!;
    expect(view.logs).toHaveLength(1000);
    expect(view.logs[0]!.seq).toBe(4002);
    expect(view.logs.at(-1)!.seq).toBe(5001);
    expect(view.droppedLogs).toBe(4000);
  });

  it("takes a stored snapshot as the truth, and numbers a new process's lines after the old ones", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(40, "running", 20), ...at(40) });
    s.apply(log(50));
    s.apply(progress(55, 25));
    // The host restarted: its store has the job interrupted at seq 45; the resumed run goes on from there.
    s.applyStored(snapshot(45, "interrupted", 22));
    s.flush();
    expect(s.get(id)!.job!.state).toBe("interrupted");
    expect(s.get(id)!.job!.progress.processed).toBe(22);

    s.apply(state(46, "running", "interrupted"));
    s.apply(log(50)); // a new line with the seq of an old one
    s.flush();
    const view = s.get(id)!;
    expect(view.job!.state).toBe("running");
    expect(view.logs.map((l) => l.message)).toEqual(["line 50", "line 50"]);
  });

  it("tells its listeners once per flush, and once when a watched run stops", () => {
    const s = store();
    let notified = 0;
    const stopped: JobState[] = [];
    s.subscribe(() => notified++);
    s.onJobStopped((job) => stopped.push(job.state));

    s.apply({ type: "snapshot", job: snapshot(1), ...at(1) });
    s.apply(progress(2, 1));
    s.apply(log(3));
    s.flush();
    s.apply({ type: "completed", summary: snapshot(4, "completed", 40), ...at(4) });
    s.apply({ type: "snapshot", job: snapshot(4, "completed", 40), ...at(4) });
    s.flush();

    expect(notified).toBe(2);
    expect(stopped).toEqual(["completed"]);
  });

  it("does not report a run that was already over when the page first saw it", () => {
    const s = store();
    const stopped: string[] = [];
    s.onJobStopped((job) => stopped.push(job.id));
    s.applyStored(snapshot(9, "interrupted"));
    s.flush();

    expect(stopped).toEqual([]);
    expect(s.jobs()).toHaveLength(1);
  });

  it("keeps a gap's note apart from the event that has the gap's seq", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(1), ...at(1) });
    s.apply({ type: "gap", fromSeq: 2, toSeq: 5, dropped: 4, ...at(5) });
    s.apply(log(5));
    s.flush();

    expect(s.get(id)!.logs.map((l) => l.level)).toEqual(["gap", "information"]);
  });

  it("ignores a stored snapshot asked for before newer events came (a resume meanwhile), and an earlier run's", () => {
    const s = store();
    s.applyStored(snapshot(30, "interrupted"));
    const asOf = s.updatesOf(id);
    s.apply(state(31, "running", "interrupted")); // resumed while the request was out
    s.applyStored(snapshot(30, "interrupted"), asOf);
    s.applyStored({ ...snapshot(20, "interrupted"), runCount: 0 });
    s.flush();

    expect(s.get(id)!.job!.state).toBe("running");
  });

  it("starts a new numbering when a later run comes with a lower seq (resumed by another page after a restart)", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(50, "running", 20), ...at(50) });
    s.apply(log(50));
    s.apply({ type: "snapshot", job: { ...snapshot(31, "running", 22), runCount: 2 }, ...at(31) });
    s.apply(log(50));
    s.apply(progress(52, 23));
    s.flush();

    const view = s.get(id)!;
    expect(view.job!.progress.processed).toBe(23);
    expect(view.logs).toHaveLength(2);
  });

  it("hands React the same lines while only the progress changes", () => {
    const s = store();
    s.apply({ type: "snapshot", job: snapshot(1), ...at(1) });
    s.apply(log(2));
    s.flush();
    const before = s.get(id)!.logs;
    s.apply(progress(3, 1));
    s.flush();

    expect(s.get(id)!.logs).toBe(before);
    expect(s.get(id)!.job!.progress.processed).toBe(1);
  });
});
