import { RefreshCw } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { StateBadge } from "@/components/JobState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/api";
import type { HistoryPage } from "@/lib/types";
import { formatDuration, formatNumber, formatPercent, formatTime } from "@/lib/utils";

/**
 * The runs in the store, newest first. `version` changes when a run stops (pushed by the transport) or a dialog
 * closes; the table then reads the history again. Nothing polls.
 */
export function HistoryTable({ version, onOpen }: { version: number; onOpen: (jobId: string) => void }) {
  const [page, setPage] = useState<HistoryPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loads, setLoads] = useState(0);

  const load = useCallback(async () => {
    try {
      setPage(await api.history({ limit: 50 }));
      setError(null);
      setLoads((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => void load(), [load, version]);

  return (
    <div className="flex flex-col gap-3" data-testid="history" data-loads={loads}>
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-500">
          {page ? `${formatNumber(page.totalCount)} ${page.totalCount === 1 ? "run" : "runs"} in the store` : "Loading…"}
        </p>
        <Button variant="outline" size="sm" onClick={() => void load()}>
          <RefreshCw /> Refresh
        </Button>
      </div>
      {error && <p className="text-sm text-red-700">{error}</p>}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase">
            <tr>
              {["Dataset", "Model folder", "Source", "State", "Started", "Puzzles", "Successful", "Skipped", "Failed", "Accuracy (pass@2)", "Duration", ""].map(
                (h, i) => (
                  <th key={i} className="px-3 py-2 font-medium whitespace-nowrap">
                    {h}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {page?.items.map((run) => {
              const p = run.parameters as Record<string, unknown>;
              return (
                <tr key={run.id} className="border-t border-slate-100" data-testid="history-row" data-job-id={run.id}>
                  <td className="px-3 py-2">{String(p.dataset ?? "")}</td>
                  <td className="px-3 py-2">{String(p.modelFolder ?? run.name ?? "")}</td>
                  <td className="px-3 py-2">{String(p.source ?? "detected")}</td>
                  <td className="px-3 py-2">
                    <span className="flex items-center gap-1">
                      <StateBadge state={run.state} />
                      {p.dryRun === true && <Badge variant="outline">dry run</Badge>}
                    </span>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatTime(run.startedAt)}</td>
                  <td className="px-3 py-2 tabular-nums" data-testid="history-processed">
                    {formatNumber(run.progress.processed)}
                  </td>
                  <td className="px-3 py-2 tabular-nums" data-testid="history-succeeded">
                    {formatNumber(run.progress.succeeded)}
                  </td>
                  <td className="px-3 py-2 tabular-nums">{formatNumber(run.progress.skipped)}</td>
                  <td className="px-3 py-2 tabular-nums">{formatNumber(run.progress.failed)}</td>
                  <td className="px-3 py-2 tabular-nums">{formatPercent(run.results.passAt2)}</td>
                  <td className="px-3 py-2 tabular-nums">{formatDuration(run.progress.elapsed)}</td>
                  <td className="px-3 py-2">
                    <Button variant="ghost" size="sm" onClick={() => onOpen(run.id)}>
                      Open
                    </Button>
                  </td>
                </tr>
              );
            })}
            {page?.items.length === 0 && (
              <tr>
                <td colSpan={12} className="px-3 py-6 text-center text-slate-500">
                  No runs yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
