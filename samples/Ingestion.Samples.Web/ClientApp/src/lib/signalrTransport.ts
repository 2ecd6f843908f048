import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import type { JobStore } from "./jobStore";
import { delay, retryDelay, TransportBase } from "./transport";
import type { GapEvent, JobCommand, JobEvent, SnapshotEvent } from "./types";

interface SubscribeAnswer {
  snapshot: SnapshotEvent;
  events: JobEvent[];
  fromStore: boolean;
}

const methods = ["OnSnapshot", "OnState", "OnProgress", "OnLog", "OnCompleted"] as const;
const commands: Record<JobCommand, string> = { pause: "Pause", resume: "Resume", cancel: "Cancel" };

/**
 * The hub (`MapIngestionHub()`, docs/protocol.md#the-signalr-hub): one connection in the all-jobs group, so every job's
 * events arrive once; `Subscribe(jobId, since)` on it answers with the replay a watched job needs. SignalR's automatic
 * reconnect, never giving up, and a restart of the connection when the host closed it; after each, the groups are
 * joined again and every watched job catches up from its last `seq`.
 */
export class SignalRTransport extends TransportBase {
  readonly name = "signalr";
  private readonly connection: HubConnection;
  private readonly watched = new Set<string>();
  private stopped = false;
  private connecting: Promise<void> | null = null;

  constructor(store: JobStore, url = "/hubs/ingestion") {
    super(store);
    this.connection = new HubConnectionBuilder()
      .withUrl(url)
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
      .configureLogging(LogLevel.Warning)
      .build();
    for (const method of methods) this.connection.on(method, (event: JobEvent) => store.apply(event));
    // The sink's queue dropped events for this client, or sends failed: the journal may still hold them, and the
    // answer's snapshot has the job's state now. The gap itself is not applied, so that `since` stays below it.
    this.connection.on("OnGap", (gap: GapEvent) => void this.replay(gap.jobId, gap.fromSeq - 1));
    this.connection.onreconnecting(() => this.setStatus("reconnecting"));
    // A new connection in no group yet; if joining fails, drop it and let the connect loop start over.
    this.connection.onreconnected(() => void this.joined().catch(() => this.connection.stop()));
    // Closed for good (the host stopped and said not to reconnect, or the retries gave up): start again, unless the
    // connect loop itself closed it.
    this.connection.onclose(() => {
      if (!this.stopped && !this.connecting) {
        this.setStatus("reconnecting");
        void this.connect();
      }
    });
  }

  async start() {
    this.stopped = false;
    this.setStatus("connecting");
    await this.connect();
  }

  async stop() {
    this.stopped = true;
    await this.connection.stop();
    this.setStatus("stopped");
  }

  watch(jobId: string) {
    this.watched.add(jobId);
    if (this.connection.state === HubConnectionState.Connected) void this.subscribe(jobId);
    // Nothing to leave: on an all-jobs connection, Subscribe only answered with the replay.
    return () => void this.watched.delete(jobId);
  }

  async command(jobId: string, command: JobCommand) {
    try {
      return await this.connection.invoke<string>(commands[command], jobId);
    } catch (e) {
      // "An unexpected error occurred invoking 'Pause' on the server. HubException: <the reason>"
      const message = (e as Error).message;
      throw new Error(message.includes("HubException: ") ? message.slice(message.indexOf("HubException: ") + 14) : message);
    }
  }

  /** One connect loop at a time: the retries of a loop must not set off another one through `onclose`. */
  private connect(): Promise<void> {
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connectLoop() {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (this.connection.state === HubConnectionState.Disconnected) await this.connection.start();
        await this.joined();
        return;
      } catch {
        if (this.connection.state !== HubConnectionState.Disconnected) await this.connection.stop().catch(() => {});
        await delay(retryDelay(attempt));
      }
    }
  }

  /** A new connection (first, or after a reconnect): its groups are empty. */
  private async joined() {
    const snapshots = await this.connection.invoke<SnapshotEvent[]>("SubscribeAll");
    for (const snapshot of snapshots) this.store.apply(snapshot);
    await Promise.all([...this.watched].map((jobId) => this.subscribe(jobId)));
    this.setStatus("connected");
  }

  private subscribe(jobId: string) {
    return this.replay(jobId, this.store.since(jobId));
  }

  /** `Subscribe` on the all-jobs connection: the job's snapshot and its journal after `since` (live events come anyway). */
  private async replay(jobId: string, since: number | null) {
    try {
      const answer = await this.connection.invoke<SubscribeAnswer>("Subscribe", jobId, since);
      if (answer.fromStore) {
        this.store.applyStored(answer.snapshot.job);
      } else {
        this.store.apply(answer.snapshot);
      }

      for (const event of answer.events) this.store.apply(event);
      if (this.watched.has(jobId)) this.store.markJournalLoaded(jobId);
    } catch {
      // An unknown job (a store that forgot it) or a connection that dropped: the next reconnect tries again.
    }
  }
}
