import { Ban, Pause, Play } from "lucide-react";
import { CompletionSummary } from "@/components/CompletionSummary";
import { barColour, StateBadge } from "@/components/JobState";
import { LogTerminal } from "@/components/LogTerminal";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Progress } from "@/components/ui/progress";
import { useIngestionProgress } from "@/hooks/useIngestionProgress";
import { isFinal } from "@/lib/jobStore";
import { formatDuration, formatNumber } from "@/lib/utils";

function Stat({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="rounded-lg border border-slate-200 p-3">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="truncate text-xl font-semibold tabular-nums" data-testid={`stat-${id}`} title={value}>
        {value}
      </div>
    </div>
  );
}

/** One job, live: bar, counters, timing, the commands its state allows, the log, and the summary once it has ended. */
export function ProgressDialog({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const { job, state, logs, droppedLogs, pending, error, connection, pause, resume, cancel } = useIngestionProgress(jobId);
  const progress = job?.progress;
  const percent = progress?.percentComplete ?? (progress?.total ? (100 * progress.processed) / progress.total : null);
  const canPause = state === "running" && pending === null;
  const canResume = (state === "paused" || state === "interrupted") && pending === null && !job?.isCancellationRequested;
  const canCancel =
    (state === "queued" || state === "running" || state === "pausing" || state === "paused" || state === "interrupted") &&
    pending === null &&
    !job?.isCancellationRequested;
  const pausing = state === "pausing" || pending === "pause";
  const cancelling = pending === "cancel" || (job?.isCancellationRequested && !isFinal(state ?? undefined));
  const dataset = typeof job?.parameters.dataset === "string" ? job.parameters.dataset : "";

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent data-testid="progress-dialog" data-job-id={jobId} aria-describedby={undefined}>
        <DialogHeader>
          <DialogTitle className="flex items-center gap-3">
            <span data-testid="progress-title">{job?.name ?? jobId}</span>
            <StateBadge state={state} />
          </DialogTitle>
          <DialogDescription>
            {dataset} · job <span className="font-mono">{jobId.slice(0, 8)}</span>
            {job && job.runCount > 1 && <> · run {job.runCount}</>}
            {connection !== "connected" && <span className="ml-2 text-amber-700">({connection}…)</span>}
          </DialogDescription>
        </DialogHeader>

        <div className="flex flex-col gap-1">
          <Progress value={percent} indicatorClassName={barColour(state)} data-testid="progress-bar" data-percent={percent ?? ""} />
          <div className="flex justify-between text-xs text-slate-500 tabular-nums">
            <span data-testid="progress-processed">
              {formatNumber(progress?.processed)} / {formatNumber(progress?.total)} puzzles
            </span>
            <span>{percent == null ? "" : `${percent.toFixed(1)}%`}</span>
          </div>
        </div>

        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          <Stat id="succeeded" label="Successful" value={formatNumber(progress?.succeeded)} />
          <Stat id="failed" label="Failed" value={formatNumber(progress?.failed)} />
          <Stat id="skipped" label="Skipped" value={formatNumber(progress?.skipped)} />
          <Stat id="current" label="Current puzzle" value={progress?.currentItem ?? "—"} />
        </div>

        <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600 tabular-nums">
          <span>
            Elapsed <b data-testid="elapsed">{formatDuration(progress?.elapsed)}</b> <span className="text-slate-400">(without pauses)</span>
          </span>
          <span>
            ETA{" "}
            <b data-testid="eta">
              {state === "paused" || state === "pausing" ? "paused" : isFinal(state ?? undefined) ? "—" : formatDuration(progress?.estimatedRemaining)}
            </b>
          </span>
          <span>
            Rate <b>{progress ? `${progress.itemsPerSecond.toFixed(1)}/s` : "—"}</b>
          </span>
          {progress?.counters.NotFound ? <span>Not found <b>{formatNumber(progress.counters.NotFound)}</b></span> : null}
        </div>

        <div className="flex flex-wrap gap-2">
          <Button variant="outline" onClick={pause} disabled={!canPause} data-testid="pause">
            <Pause /> {pausing ? "Pausing…" : "Pause"}
          </Button>
          <Button variant="outline" onClick={resume} disabled={!canResume} data-testid="resume">
            <Play /> {pending === "resume" ? "Resuming…" : "Resume"}
          </Button>
          <Button variant="destructive" onClick={cancel} disabled={!canCancel} data-testid="cancel">
            <Ban /> {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        </div>
        {error && (
          <p className="rounded bg-red-50 p-2 text-sm text-red-800" role="alert" data-testid="command-error">
            {error}
          </p>
        )}
        {state === "interrupted" && job?.error == null && (
          <p className="rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="interrupted-note">
            The host stopped while this job ran. Resume continues it from its last checkpoint.
          </p>
        )}

        <LogTerminal lines={logs} dropped={droppedLogs} />

        {job && (isFinal(state ?? undefined) || state === "interrupted") && <CompletionSummary job={job} />}
      </DialogContent>
    </Dialog>
  );
}
