// The wire shapes of docs/protocol.md, as the host sends them (camelCase, enums as camelCase strings, durations in
// seconds).

export type JobState =
  | "queued"
  | "running"
  | "pausing"
  | "paused"
  | "completed"
  | "cancelled"
  | "failed"
  | "interrupted";

export const finalStates: ReadonlySet<JobState> = new Set(["completed", "cancelled", "failed"]);

export interface JobProgress {
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  counters: Record<string, number>;
  currentItem: string | null;
  message: string | null;
  elapsed: number;
  itemsPerSecond: number;
  estimatedRemaining: number | null;
  percentComplete: number | null;
}

export interface JobError {
  type: string;
  message: string;
  details?: string | null;
}

export interface JobSnapshot {
  id: string;
  kind: string;
  name: string | null;
  state: JobState;
  parameters: Record<string, unknown>;
  progress: JobProgress;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  isCancellationRequested: boolean;
  error: JobError | null;
  checkpoint: unknown;
  results: Record<string, number>;
  runCount: number;
  lastSeq: number;
}

interface EventBase {
  jobId: string;
  seq: number;
  timestamp: string;
}

export interface SnapshotEvent extends EventBase {
  type: "snapshot";
  job: JobSnapshot;
}

export interface StateEvent extends EventBase {
  type: "state";
  state: JobState;
  previousState: JobState;
  error: JobError | null;
}

export interface ProgressEvent extends EventBase {
  type: "progress";
  progress: JobProgress;
}

export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical";

export interface LogEvent extends EventBase {
  type: "log";
  level: LogLevel;
  message: string;
  exception: string | null;
}

export interface CompletedEvent extends EventBase {
  type: "completed";
  summary: JobSnapshot;
}

export interface GapEvent extends EventBase {
  type: "gap";
  fromSeq: number;
  toSeq: number;
  dropped: number | null;
}

export type JobEvent = SnapshotEvent | StateEvent | ProgressEvent | LogEvent | CompletedEvent | GapEvent;

export type JobCommand = "pause" | "resume" | "cancel";

export interface StartResponse {
  jobId: string;
  state: JobState;
  job: JobSnapshot;
}

export interface HistoryPage {
  items: JobSnapshot[];
  totalCount: number;
  offset: number;
  limit: number;
}

export interface ValidationResult {
  isValid: boolean;
  location: string | null;
  hubReachable: boolean;
  tokenPresent: boolean;
  datasetReachable: boolean;
  commit: string | null;
  databaseReachable: boolean;
  source: string | null;
  sourceDetected: boolean;
  puzzleCount: number | null;
  fileCount: number | null;
  format: string | null;
  sampleFile: string | null;
  sampleAttempts: number | null;
  errors: string[];
  warnings: string[];
}

export interface ModelFolder {
  name: string;
  ingestedAttempts: number;
  ingestedByAttempt: Record<string, number>;
}

export interface FoldersResponse {
  dataset: string;
  revision: string;
  folders: ModelFolder[];
}

/** A dataset the form offers, from the host's `GET /api/sample/presets`. */
export interface DatasetPreset {
  id: string;
  label: string;
  dataset: string;
  hubUrl: string | null;
  localPath: string | null;
  /** The task set, when it cannot be told from the dataset's name. */
  source: string | null;
}

/** The parameters of a `huggingface` job (docs/huggingface-ingestion.md#parameters). */
export interface IngestionParameters {
  dataset: string;
  modelFolder: string;
  hubUrl?: string;
  localPath?: string;
  source?: string;
  limit?: number;
  delayMs?: number;
  concurrency?: number;
  dryRun?: boolean;
  forceOverwrite?: boolean;
  verbose?: boolean;
}
