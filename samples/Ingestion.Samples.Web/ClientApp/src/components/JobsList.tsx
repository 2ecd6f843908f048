import { barColour, StateBadge } from "@/components/JobState";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Progress } from "@/components/ui/progress";
import { useJobs } from "@/hooks/ingestionContext";
import { formatNumber } from "@/lib/utils";

/** Every job the page knows (live ones, interrupted ones, and those that ended while the page was open). */
export function JobsList({ onOpen }: { onOpen: (jobId: string) => void }) {
  const jobs = useJobs();
  return (
    <Card data-testid="jobs-list">
      <CardHeader>
        <CardTitle>Jobs</CardTitle>
        <CardDescription>Closing a job's dialog does not stop it; open it again here.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-2">
        {jobs.length === 0 && <p className="text-sm text-slate-500">No jobs yet.</p>}
        {[...jobs].reverse().map(({ id, job }) => {
          const progress = job!.progress;
          const percent = progress.percentComplete ?? (progress.total ? (100 * progress.processed) / progress.total : null);
          return (
            <button
              key={id}
              type="button"
              onClick={() => onOpen(id)}
              data-testid="job-item"
              data-job-id={id}
              className="flex flex-col gap-2 rounded-lg border border-slate-200 p-3 text-left hover:bg-slate-50"
            >
              <div className="flex items-center justify-between gap-2">
                <span className="truncate font-medium">{job!.name ?? id}</span>
                <StateBadge state={job!.state} />
              </div>
              <Progress value={percent} className="h-1.5" indicatorClassName={barColour(job!.state)} />
              <div className="flex gap-3 text-xs text-slate-500 tabular-nums">
                <span>
                  {formatNumber(progress.processed)}/{formatNumber(progress.total)}
                </span>
                <span className="text-emerald-700">✓ {formatNumber(progress.succeeded)}</span>
                <span className="text-red-700">✗ {formatNumber(progress.failed)}</span>
                <span>↷ {formatNumber(progress.skipped)}</span>
              </div>
            </button>
          );
        })}
      </CardContent>
    </Card>
  );
}
