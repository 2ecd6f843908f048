import type {
  DatasetPreset,
  FoldersResponse,
  HistoryPage,
  IngestionParameters,
  JobCommand,
  JobSnapshot,
  StartResponse,
  ValidationResult,
} from "./types";

/** The host's prefix for the control and HuggingFace endpoints (`MapIngestionEndpoints()`' default). */
export const adminPrefix = "/api/admin";

/** A refused request: the problem details' `detail` (or `title`) as the message, and its `type` for code to switch on. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string | null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(`The host does not answer (${(e as Error).message}).`, 0, null);
  }

  if (!response.ok) {
    let message = `${method} ${path} answered ${response.status} ${response.statusText}.`;
    let type: string | null = null;
    try {
      const problem = (await response.json()) as { detail?: string; title?: string; type?: string; errors?: Record<string, string[]> };
      type = problem.type ?? null;
      const errors = problem.errors ? Object.values(problem.errors).flat() : [];
      message = errors.length > 0 ? errors.join(" ") : (problem.detail ?? problem.title ?? message);
    } catch {
      // Not a problem details body (a 401 from the scheme has none): keep the status line.
    }

    if (response.status === 401 && type === null) {
      message = "Not signed in: the host wants the admin API key.";
    }

    throw new ApiError(message, response.status, type);
  }

  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

const encode = encodeURIComponent;

export const api = {
  signIn: (apiKey: string) => request<void>("POST", "/api/session", { apiKey }),
  signOut: () => request<void>("DELETE", "/api/session"),
  presets: () => request<{ presets: DatasetPreset[] }>("GET", "/api/sample/presets"),

  liveJobs: () => request<JobSnapshot[]>("GET", `${adminPrefix}/ingestion-jobs`),
  job: (jobId: string) => request<JobSnapshot>("GET", `${adminPrefix}/ingestion-jobs/${encode(jobId)}`),
  history: (query: { limit?: number; offset?: number; states?: string[] } = {}) => {
    const search = new URLSearchParams({ kind: "huggingface", limit: String(query.limit ?? 50), offset: String(query.offset ?? 0) });
    for (const state of query.states ?? []) search.append("state", state);
    return request<HistoryPage>("GET", `${adminPrefix}/ingestion-history?${search}`);
  },

  start: (parameters: IngestionParameters, name: string) =>
    request<StartResponse>("POST", `${adminPrefix}/start-ingestion?kind=huggingface&name=${encode(name)}`, parameters),
  command: (jobId: string, command: JobCommand) =>
    request<{ state: string; status: string; message: string }>("POST", `${adminPrefix}/${command}-ingestion/${encode(jobId)}`),

  validate: (parameters: IngestionParameters) => request<ValidationResult>("POST", `${adminPrefix}/validate-ingestion`, parameters),
  folders: (preset: { dataset: string; hubUrl?: string | null; localPath?: string | null }) => {
    const search = new URLSearchParams({ dataset: preset.dataset });
    if (preset.hubUrl) search.set("hubUrl", preset.hubUrl);
    if (preset.localPath) search.set("localPath", preset.localPath);
    return request<FoldersResponse>("GET", `${adminPrefix}/hf-folders?${search}`);
  },
};
