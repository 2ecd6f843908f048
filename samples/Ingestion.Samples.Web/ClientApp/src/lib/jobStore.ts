import { finalStates, type JobError, type JobEvent, type JobProgress, type JobSnapshot, type JobState, type LogLevel } from "./types";

/** One line of a job's log terminal: a log event, or a note that events were missed (`gap`). */
export interface LogLine {
  /** Tells the lines apart (React's key): the epoch and the seq. */
  key: string;
  /** Sorts the lines: a new process's events (numbered on from the stored seq) come after the ones seen before it. */
  order: number;
  seq: number;
  timestamp: string;
  level: LogLevel | "gap";
  message: string;
  exception: string | null;
}

/** What the page knows of one job, rebuilt (a new object) whenever it changes, so React sees the change. */
export interface JobView {
  id: string;
  /** The latest snapshot with the newest state and progress applied; null until a snapshot of the job arrived. */
  job: JobSnapshot | null;
  /** The highest `seq` applied: a reconnect asks for what came after it. */
  lastSeq: number;
  /** The newest lines, oldest first, at most `logCapacity` of them. */
  logs: readonly LogLine[];
  /** How many older lines the cap let go. */
  droppedLogs: number;
  /** The job's journal was replayed from its start (a watch asks for it once, then only for what it missed). */
  journalLoaded: boolean;
}

export const isFinal = (state: JobState | undefined) => state !== undefined && finalStates.has(state);


interface Entry {
  id: string;
  base: JobSnapshot | null;
  baseSeq: number;
  state: JobState | null;
  error: JobError | null;
  stateSeq: number;
  progress: JobProgress | null;
  progressSeq: number;
  lastSeq: number;
  logs: LogLine[];
  keys: Set<string>;
  /** Lines at or below this seq (of the current epoch) were let go by the cap, or belong to a past replay. */
  floorSeq: number;
  droppedLogs: number;
  journalLoaded: boolean;
  /** Bumped when a snapshot from the store resets the numbering (a new host process continues from the stored seq). */
  epoch: number;
  /** The run whose `completed` event was reported to the stopped-listeners. */
  reportedRun: number | null;
  /** Counts what was applied: a REST answer asked for before the last change is not the truth any more. */
  updates: number;
  /** The lines changed since the last view (else the view keeps the same array, and React skips the log). */
  linesChanged: boolean;
}

type Schedule = (flush: () => void) => void;

const nextFrame: Schedule =
  typeof requestAnimationFrame === "function" ? (f) => requestAnimationFrame(() => f()) : (f) => setTimeout(f, 16);

/**
 * The jobs the page knows, fed by either transport (and by REST answers): applies events in `seq` order per job,
 * ignores what it already has (a replay that overlaps live events, two channels carrying the same event), keeps the
 * newest `logCapacity` log lines, and tells its listeners at most once per animation frame.
 */
export class JobStore {
  private readonly entries = new Map<string, Entry>();
  private readonly views = new Map<string, JobView>();
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly stoppedListeners = new Set<(job: JobSnapshot) => void>();
  private list: readonly JobView[] = [];
  private readonly stopped: JobSnapshot[] = [];
  private scheduled = false;

  constructor(
    readonly logCapacity = 2000,
    private readonly schedule: Schedule = nextFrame,
  ) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /**
   * Called once for every run whose end the page sees (its `completed` event: completed, cancelled, failed or
   * interrupted), once the store has the run's final record.
   */
  onJobStopped(listener: (job: JobSnapshot) => void) {
    this.stoppedListeners.add(listener);
    return () => void this.stoppedListeners.delete(listener);
  }

  get(jobId: string): JobView | undefined {
    return this.views.get(jobId);
  }

  /** Every job with a snapshot, oldest first. */
  jobs = (): readonly JobView[] => this.list;

  apply(event: JobEvent): void {
    const entry = this.entry(event.jobId);
    switch (event.type) {
      case "snapshot":
        this.newRunCheck(entry, event.job, event.seq);
        this.applySnapshot(entry, event.job, event.seq);
        break;
      case "completed":
        this.newRunCheck(entry, event.summary, event.seq);
        this.applySnapshot(entry, event.summary, event.seq);
        // The run's final record is in the store before this event (not yet at its `state` event): history may read it.
        if (entry.reportedRun !== event.summary.runCount) {
          entry.reportedRun = event.summary.runCount;
          this.stopped.push(event.summary);
        }
        break;
      case "state":
        if (event.seq > entry.stateSeq) {
          entry.state = event.state;
          entry.error = event.error;
          entry.stateSeq = event.seq;
        }
        break;
      case "progress":
        if (event.seq > entry.progressSeq) {
          entry.progress = event.progress;
          entry.progressSeq = event.seq;
        }
        break;
      case "log":
        this.addLines(entry, [
          { key: "", order: 0, seq: event.seq, timestamp: event.timestamp, level: event.level, message: event.message, exception: event.exception },
        ]);
        break;
      case "gap":
        this.addLines(entry, [
          {
            key: `gap:${event.fromSeq}-${event.toSeq}`,
            order: 0,
            seq: event.seq,
            timestamp: event.timestamp,
            level: "gap",
            message: `Missed events ${event.fromSeq}–${event.toSeq}${event.dropped == null ? "" : ` (${event.dropped} dropped)`}.`,
            exception: null,
          },
        ]);
        break;
    }

    entry.lastSeq = Math.max(entry.lastSeq, event.seq);
    entry.updates++;
    this.changed(entry);
  }

  /**
   * A snapshot that is the truth whatever its `seq`: the job as the store has it, for a job no host runs (after a
   * restart, the new process numbers the job's events on from the stored `seq`, which may be below what the page saw).
   * `asOf` is `updatesOf(jobId)` when the request was sent: if anything was applied since (the job was resumed
   * meanwhile, say), the answer is older than what the page has, and is ignored; so is an earlier run's.
   */
  applyStored(job: JobSnapshot, asOf?: number): void {
    const entry = this.entry(job.id);
    if ((asOf !== undefined && entry.updates > asOf) || (entry.base && job.runCount < entry.base.runCount)) return;
    if (entry.base && job.lastSeq < entry.lastSeq) this.renumber(entry);
    this.applySnapshot(entry, job, job.lastSeq);
    entry.lastSeq = Math.max(entry.lastSeq, job.lastSeq);
    entry.updates++;
    this.changed(entry);
  }

  /** How many updates the job has had: pass it back to `applyStored` with the answer of a request sent now. */
  updatesOf(jobId: string): number {
    return this.entries.get(jobId)?.updates ?? 0;
  }

  /** What a (re)subscription asks for: the journal after this `seq`, or all of it (`null`) the first time. */
  since(jobId: string): number | null {
    const entry = this.entries.get(jobId);
    return entry?.journalLoaded ? entry.lastSeq : null;
  }

  /** A REST answer for a job that may be live: applied like a `snapshot` event. */
  applyJob(job: JobSnapshot): void {
    this.apply({ type: "snapshot", job, jobId: job.id, seq: job.lastSeq, timestamp: new Date().toISOString() });
  }

  markJournalLoaded(jobId: string): void {
    const entry = this.entry(jobId);
    if (!entry.journalLoaded) {
      entry.journalLoaded = true;
      this.changed(entry);
    }
  }

  /** Tells the listeners now instead of at the next frame (tests, and before a dialog reads a job it just started). */
  flush = (): void => {
    this.scheduled = false;
    if (this.dirty.size === 0) return;
    for (const id of this.dirty) {
      const entry = this.entries.get(id)!;
      this.views.set(id, this.view(entry));
    }

    this.dirty.clear();
    this.list = [...this.views.values()]
      .filter((v) => v.job !== null)
      .sort((a, b) => a.job!.createdAt.localeCompare(b.job!.createdAt));
    for (const listener of this.listeners) listener();
  };

  private entry(id: string): Entry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = {
        id,
        base: null,
        baseSeq: -1,
        state: null,
        error: null,
        stateSeq: -1,
        progress: null,
        progressSeq: -1,
        lastSeq: 0,
        logs: [],
        keys: new Set(),
        floorSeq: 0,
        droppedLogs: 0,
        journalLoaded: false,
        epoch: 0,
        reportedRun: null,
        updates: 0,
        linesChanged: false,
      };
      this.entries.set(id, entry);
    }

    return entry;
  }

  /** A new host process numbers the job's events on from a lower `seq`: start a new epoch, keep the old lines before it. */
  private renumber(entry: Entry) {
    entry.epoch++;
    entry.floorSeq = 0;
    entry.baseSeq = entry.stateSeq = entry.progressSeq = entry.lastSeq = -1;
  }

  /** A later run (resumed after a restart, maybe from another page) whose events are numbered below what was seen. */
  private newRunCheck(entry: Entry, job: JobSnapshot, seq: number) {
    if (entry.base && job.runCount > entry.base.runCount && seq < entry.lastSeq) this.renumber(entry);
  }

  private applySnapshot(entry: Entry, job: JobSnapshot, seq: number) {
    if (seq >= entry.baseSeq) {
      entry.base = job;
      entry.baseSeq = seq;
    }

    if (seq >= entry.stateSeq) {
      entry.state = job.state;
      entry.error = job.error;
      entry.stateSeq = seq;
    }

    if (seq >= entry.progressSeq) {
      entry.progress = job.progress;
      entry.progressSeq = seq;
    }
  }

  private addLines(entry: Entry, lines: LogLine[]) {
    let sorted = true;
    for (const line of lines) {
      if (line.seq <= entry.floorSeq) continue;
      const key = `${entry.epoch}:${line.key || line.seq}`;
      if (entry.keys.has(key)) continue;
      const order = entry.epoch * 2 ** 40 + line.seq;
      const last = entry.logs.at(-1);
      if (last && last.order > order) sorted = false;
      entry.keys.add(key);
      entry.logs.push({ ...line, key, order });
      entry.linesChanged = true;
    }

    if (!sorted) entry.logs.sort((a, b) => a.order - b.order);
    const over = entry.logs.length - this.logCapacity;
    if (over > 0) {
      for (const line of entry.logs.splice(0, over)) entry.keys.delete(line.key);
      entry.droppedLogs += over;
      // Lines older than the oldest kept (a replay of the journal brings them again) stay dropped.
      const oldest = entry.logs[0]!;
      if (oldest.order >= entry.epoch * 2 ** 40) entry.floorSeq = Math.max(entry.floorSeq, oldest.seq - 1);
    }
  }

  private changed(entry: Entry) {
    this.dirty.add(entry.id);
    for (const job of this.stopped.splice(0)) {
      for (const listener of this.stoppedListeners) listener(job);
    }

    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flush);
    }
  }

  private compose(entry: Entry): JobSnapshot | null {
    if (!entry.base) return null;
    return {
      ...entry.base,
      state: entry.state ?? entry.base.state,
      error: entry.error,
      progress: entry.progress ?? entry.base.progress,
      lastSeq: Math.max(entry.base.lastSeq, entry.lastSeq),
    };
  }

  private view(entry: Entry): JobView {
    const previous = this.views.get(entry.id);
    const logs = entry.linesChanged || !previous ? [...entry.logs] : previous.logs;
    entry.linesChanged = false;
    return {
      id: entry.id,
      job: this.compose(entry),
      lastSeq: entry.lastSeq,
      logs,
      droppedLogs: entry.droppedLogs,
      journalLoaded: entry.journalLoaded,
    };
  }
}
