import type { JobSnapshot } from "@/lib/types";
import { formatCost, formatDuration, formatNumber, formatPercent } from "@/lib/utils";

/** `raw`: the number behind the text, for tools that read the page (the browser tests). */
function Item({ label, value, id, raw }: { label: string; value: string; id: string; raw?: number | null }) {
  return (
    <div className="flex justify-between gap-4 border-b border-slate-100 py-1.5 text-sm last:border-0">
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums" data-testid={`summary-${id}`} data-value={raw ?? undefined}>
        {value}
      </dd>
    </div>
  );
}

/** The totals of a run that ended: counts, per-attempt accuracy, pass@2, duration, tokens and cost (the job's results). */
export function CompletionSummary({ job }: { job: JobSnapshot }) {
  const { progress, results } = job;
  const attempts = Object.keys(results)
    .map((name) => /^attempt(\d+)Accuracy$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const titles: Partial<Record<JobSnapshot["state"], string>> = {
    completed: "Completed",
    cancelled: "Cancelled",
    failed: "Failed",
    interrupted: "Interrupted",
  };

  return (
    <section className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="completion-summary">
      <h3 className="mb-2 font-semibold">{titles[job.state] ?? "Summary"}: {job.name}</h3>
      {job.error && (
        <p className="mb-3 rounded bg-red-50 p-2 text-sm text-red-800" data-testid="summary-error">
          {job.error.message}
        </p>
      )}
      <div className="grid gap-x-8 sm:grid-cols-2">
        <dl>
          <Item id="processed" label="Puzzles processed" value={`${formatNumber(progress.processed)} of ${formatNumber(progress.total)}`} raw={progress.processed} />
          <Item id="succeeded" raw={progress.succeeded} label="Successful" value={formatNumber(progress.succeeded)} />
          <Item id="failed" raw={progress.failed} label="Failed" value={formatNumber(progress.failed)} />
          <Item id="skipped" raw={progress.skipped} label="Skipped" value={formatNumber(progress.skipped)} />
          <Item id="not-found" raw={progress.counters.NotFound ?? 0} label="Not found" value={formatNumber(progress.counters.NotFound ?? 0)} />
          <Item id="attempts-saved" raw={progress.counters.AttemptsSaved ?? 0} label="Attempts saved" value={formatNumber(progress.counters.AttemptsSaved ?? 0)} />
        </dl>
        <dl>
          {attempts.map((n) => (
            <Item key={n} id={`attempt${n}-accuracy`} label={`Attempt ${n} accuracy`} value={formatPercent(results[`attempt${n}Accuracy`])} raw={results[`attempt${n}Accuracy`]} />
          ))}
          <Item id="pass-at-2" label="pass@2" value={formatPercent(results.passAt2)} raw={results.passAt2} />
          <Item id="duration" label="Duration (without pauses)" value={formatDuration(progress.elapsed)} raw={progress.elapsed} />
          <Item id="tokens" label="Tokens" value={formatNumber(results.totalTokens)} raw={results.totalTokens} />
          <Item id="cost" label="Cost" value={formatCost(results.cost)} raw={results.cost} />
        </dl>
      </div>
    </section>
  );
}
