import type { JobStore } from "./jobStore";
import { delay, retryDelay, TransportBase } from "./transport";
import type { JobCommand, JobEvent } from "./types";

interface Answer {
  type: "result" | "error" | "pong";
  requestId?: string | null;
  state?: string | null;
  code?: string;
  message?: string;
}

const isAnswer = (data: JobEvent | Answer): data is Answer => data.type === "result" || data.type === "error" || data.type === "pong";

/** The commands sent on one socket that wait for their `result` or `error`, by `requestId`. */
class PendingCommands {
  private next = 1;
  private readonly waiting = new Map<string, { resolve: (state: string) => void; reject: (e: Error) => void }>();

  constructor(private readonly prefix: string) {}

  send(socket: WebSocket, command: JobCommand, jobId?: string): Promise<string> {
    const requestId = `${this.prefix}${this.next++}`;
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject });
      socket.send(JSON.stringify(jobId ? { type: command, jobId, requestId } : { type: command, requestId }));
    });
  }

  answer(answer: Answer) {
    const waiting = answer.requestId ? this.waiting.get(answer.requestId) : undefined;
    if (!waiting) return;
    this.waiting.delete(answer.requestId!);
    if (answer.type === "error") waiting.reject(new Error(answer.message ?? answer.code ?? "The host refused the command."));
    else waiting.resolve(answer.state ?? "");
  }

  /** The socket closed: nothing will answer these. */
  fail() {
    for (const { reject } of this.waiting.values()) reject(new Error("The connection closed before the host answered."));
    this.waiting.clear();
  }
}

const progressPath = "/api/admin/ingestion-progress";

function socketUrl(query: Record<string, string>) {
  const url = new URL(progressPath, location.href);
  url.protocol = url.protocol.replace("http", "ws");
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

/** One job's socket (`?jobId=&since=`): its journal replay and live events, and the commands for it. */
class JobSocket {
  private socket: WebSocket | null = null;
  private closed = false;
  private readonly pending = new PendingCommands("");

  constructor(
    private readonly jobId: string,
    private readonly store: JobStore,
  ) {}

  get open() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  connect(attempt = 0) {
    if (this.closed || this.socket) return;
    const since = this.store.since(this.jobId);
    const query: Record<string, string> = { jobId: this.jobId };
    if (since !== null) query.since = String(since);
    const socket = new WebSocket(socketUrl(query));
    this.socket = socket;
    socket.onopen = () => (attempt = 0);
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data as string) as JobEvent | Answer;
      if (isAnswer(data)) {
        this.pending.answer(data);
        return;
      }

      this.store.apply(data);
      if (data.type === "snapshot") this.store.markJournalLoaded(this.jobId);
    };
    socket.onclose = (e) => {
      this.socket = null;
      this.pending.fail();
      // 1000: the job ended (or is known only from the store); 4404: no such job. Anything else: try again, from lastSeq.
      if (!this.closed && e.code !== 1000 && e.code !== 4404 && e.code !== 4400) {
        void delay(retryDelay(attempt)).then(() => this.connect(attempt + 1));
      }
    };
  }

  /** The job was (re)started while this socket was closed: open it again. */
  reopen() {
    if (!this.socket) this.connect();
  }

  send(command: JobCommand): Promise<string> {
    return this.pending.send(this.socket!, command);
  }

  close() {
    this.closed = true;
    this.socket?.close(1000);
  }
}

/**
 * The raw progress WebSocket (`MapIngestionWebSocket()`, docs/protocol.md#the-progress-websocket): an all-jobs socket
 * for every job's live events, and a socket per watched job for its journal and its commands (reconnecting with
 * `since=lastSeq`). The browser sends the session cookie with both; the host checks the page's origin.
 */
export class WebSocketTransport extends TransportBase {
  readonly name = "websocket";
  private all: WebSocket | null = null;
  private readonly jobs = new Map<string, JobSocket>();
  private stopped = false;
  private firstOpen: (() => void) | null = null;

  constructor(store: JobStore) {
    super(store);
  }

  start() {
    this.stopped = false;
    this.setStatus("connecting");
    return new Promise<void>((resolve) => {
      this.firstOpen = resolve;
      this.connect(0);
    });
  }

  async stop() {
    this.stopped = true;
    this.firstOpen?.();
    this.firstOpen = null;
    this.all?.close(1000);
    for (const job of this.jobs.values()) job.close();
    this.jobs.clear();
    this.setStatus("stopped");
  }

  watch(jobId: string) {
    let socket = this.jobs.get(jobId);
    if (!socket) {
      socket = new JobSocket(jobId, this.store);
      this.jobs.set(jobId, socket);
      socket.connect();
    }

    return () => {
      this.jobs.get(jobId)?.close();
      this.jobs.delete(jobId);
    };
  }

  async command(jobId: string, command: JobCommand) {
    const socket = this.jobs.get(jobId);
    if (socket?.open) return socket.send(command);
    // Not watched, or its socket is closed (an interrupted job known only from the store): the all-jobs socket.
    if (this.all?.readyState !== WebSocket.OPEN) throw new Error("Not connected to the host.");
    return this.allPending.send(this.all, command, jobId);
  }

  private readonly allPending = new PendingCommands("all-");

  private connect(attempt: number) {
    if (this.stopped) return;
    const socket = new WebSocket(socketUrl({}));
    this.all = socket;
    socket.onopen = () => {
      attempt = 0;
      this.setStatus("connected");
      this.firstOpen?.();
      this.firstOpen = null;
      // A host that restarted has forgotten nothing the journal still holds: the watched jobs catch up too.
      for (const job of this.jobs.values()) job.reopen();
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data as string) as JobEvent | Answer;
      if (isAnswer(data)) {
        this.allPending.answer(data);
        return;
      }

      this.store.apply(data);
      // A watched job that was resumed is introduced again by a snapshot: its own socket may have closed meanwhile.
      if (data.type === "snapshot") this.jobs.get(data.jobId)?.reopen();
    };
    socket.onclose = () => {
      this.all = null;
      this.allPending.fail();
      if (this.stopped) return;
      this.setStatus("reconnecting");
      void delay(retryDelay(attempt)).then(() => this.connect(attempt + 1));
    };
  }
}
