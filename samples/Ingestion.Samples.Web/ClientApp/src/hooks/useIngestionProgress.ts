import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { api } from "@/lib/api";
import type { LogLine } from "@/lib/jobStore";
import type { IngestionParameters, JobCommand, JobSnapshot, JobState } from "@/lib/types";
import { useConnectionStatus, useIngestion } from "./ingestionContext";

const noLines: readonly LogLine[] = [];

export interface IngestionProgress {
  /** The job as it is now (the latest snapshot with every newer event applied), or null until it is known. */
  job: JobSnapshot | null;
  state: JobState | null;
  logs: readonly LogLine[];
  droppedLogs: number;
  connection: ReturnType<typeof useConnectionStatus>;
  /** The command sent and not yet answered. */
  pending: JobCommand | null;
  /** The host's reason for refusing the last command. */
  error: string | null;
  /** Starts a new job (`start-ingestion`); resolves to its id. */
  start(parameters: IngestionParameters, name?: string): Promise<string>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;
}

/**
 * One job, live: its state, progress and log over the page's transport (SignalR or the raw WebSocket), which
 * reconnects by itself and re-subscribes from the last `seq` the page applied, so no event the host's journal still
 * holds is missed; and the commands for it.
 */
export function useIngestionProgress(jobId: string | null): IngestionProgress {
  const { store, transport } = useIngestion();
  const connection = useConnectionStatus();
  const view = useSyncExternalStore(store.subscribe, () => (jobId ? store.get(jobId) : undefined));
  const [pending, setPending] = useState<JobCommand | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => (jobId ? transport.watch(jobId) : undefined), [jobId, transport]);
  useEffect(() => setError(null), [jobId]);

  const send = useCallback(
    async (command: JobCommand) => {
      if (!jobId) return;
      setPending(command);
      setError(null);
      try {
        await transport.command(jobId, command);
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setPending(null);
      }
    },
    [jobId, transport],
  );

  const start = useCallback(
    async (parameters: IngestionParameters, name?: string) => {
      const answer = await api.start(parameters, name ?? parameters.modelFolder);
      store.applyJob(answer.job);
      store.flush();
      return answer.jobId;
    },
    [store],
  );

  return {
    job: view?.job ?? null,
    state: view?.job?.state ?? null,
    logs: view?.logs ?? noLines,
    droppedLogs: view?.droppedLogs ?? 0,
    connection,
    pending,
    error,
    start,
    pause: useCallback(() => send("pause"), [send]),
    resume: useCallback(() => send("resume"), [send]),
    cancel: useCallback(() => send("cancel"), [send]),
  };
}
