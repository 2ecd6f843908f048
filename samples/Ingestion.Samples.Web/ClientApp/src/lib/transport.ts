import type { JobStore } from "./jobStore";
import type { JobCommand } from "./types";

export type TransportName = "signalr" | "websocket";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "stopped";

/**
 * A live channel to the host: every job's events into the store, the full journal of the jobs being watched (a
 * progress dialog), reconnecting by itself and catching up from each job's last `seq`; and the pause / resume / cancel
 * commands. Two implementations: SignalR (the hub) and the raw progress WebSocket.
 */
export interface Transport {
  readonly name: TransportName;
  readonly status: ConnectionStatus;
  /** Connects, and keeps reconnecting until `stop`. Resolves when first connected. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Replays the job's journal (its log lines before now) and keeps it caught up until the returned function is called. */
  watch(jobId: string): () => void;
  /** Sends a command; resolves to the job's state right after it, rejects with the host's reason. */
  command(jobId: string, command: JobCommand): Promise<string>;
  /** Status changes; `connected` follows every (re)connect, when the page re-reads what it may have missed. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

export type TransportFactory = (store: JobStore) => Transport;

export abstract class TransportBase implements Transport {
  abstract readonly name: TransportName;
  private current: ConnectionStatus = "connecting";
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();

  constructor(protected readonly store: JobStore) {}

  get status() {
    return this.current;
  }

  onStatus(listener: (status: ConnectionStatus) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  protected setStatus(status: ConnectionStatus) {
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract watch(jobId: string): () => void;
  abstract command(jobId: string, command: JobCommand): Promise<string>;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 0.5 s, 1 s, 2 s, then every 3 s: a host that restarts is found again within seconds, one that is gone is not hammered. */
export const retryDelay = (attempt: number) => Math.min(500 * 2 ** attempt, 3000);
