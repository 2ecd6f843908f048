import { CircleCheck, CircleX } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ValidationResult } from "@/lib/types";
import { formatNumber } from "@/lib/utils";

export interface FolderValidation {
  folder: string;
  result: ValidationResult | null;
  /** The request itself failed (the host refused the parameters, or did not answer). */
  error: string | null;
}

function Check({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span className="flex items-center gap-1.5 text-sm">
      {ok ? <CircleCheck className="size-4 text-emerald-600" /> : <CircleX className="size-4 text-red-600" />}
      {label}
    </span>
  );
}

/** The pre-flight of every selected model folder (`validate-ingestion`), and Start when all of them passed. */
export function ValidationDialog({
  validations,
  starting,
  startError,
  onStart,
  onClose,
}: {
  validations: FolderValidation[];
  starting: boolean;
  startError: string | null;
  onStart: () => void;
  onClose: () => void;
}) {
  const valid = validations.every((v) => v.result?.isValid);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent data-testid="validation-dialog" data-valid={valid}>
        <DialogHeader>
          <DialogTitle>Pre-flight {valid ? "passed" : "found problems"}</DialogTitle>
          <DialogDescription>Nothing was started or written. Start runs one job per model folder, side by side.</DialogDescription>
        </DialogHeader>
        {validations.map(({ folder, result, error }) => (
          <section key={folder} className="rounded-lg border border-slate-200 p-4" data-testid="validation-result" data-folder={folder}>
            <h3 className="mb-2 font-semibold">{folder}</h3>
            {error && <p className="text-sm text-red-700">{error}</p>}
            {result && (
              <>
                <p className="mb-2 font-mono text-xs break-all text-slate-500">{result.location}</p>
                <div className="mb-3 flex flex-wrap gap-x-5 gap-y-1">
                  <Check ok={result.hubReachable} label="Hub reachable" />
                  <Check ok={result.tokenPresent} label={result.tokenPresent ? "Token present" : "No token"} />
                  <Check ok={result.datasetReachable} label="Dataset reachable" />
                  <Check ok={result.databaseReachable} label="Database reachable" />
                </div>
                <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
                  <div>
                    <dt className="text-slate-500">Source</dt>
                    <dd data-testid="validation-source">
                      {result.source ?? "—"}
                      {result.sourceDetected && <span className="text-slate-400"> (detected)</span>}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Puzzles</dt>
                    <dd data-testid="validation-puzzles">{formatNumber(result.puzzleCount)}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Files · format</dt>
                    <dd>
                      {formatNumber(result.fileCount)} · {result.format ?? "—"}
                    </dd>
                  </div>
                  <div className="col-span-2">
                    <dt className="text-slate-500">Sample file</dt>
                    <dd>
                      {result.sampleFile ?? "—"}
                      {result.sampleAttempts != null && ` (${result.sampleAttempts} attempts)`}
                    </dd>
                  </div>
                  {result.commit && (
                    <div>
                      <dt className="text-slate-500">Commit</dt>
                      <dd className="font-mono text-xs">{result.commit.slice(0, 12)}</dd>
                    </div>
                  )}
                </dl>
                {result.errors.length > 0 && (
                  <ul className="mt-3 list-disc pl-5 text-sm text-red-700" data-testid="validation-errors">
                    {result.errors.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                )}
                {result.warnings.length > 0 && (
                  <ul className="mt-2 list-disc pl-5 text-sm text-amber-800">
                    {result.warnings.map((w, i) => (
                      <li key={i}>{w}</li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </section>
        ))}
        {startError && <p className="text-sm text-red-700" role="alert">{startError}</p>}
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Close
          </Button>
          <Button onClick={onStart} disabled={!valid || starting} data-testid="start">
            {starting ? "Starting…" : validations.length > 1 ? `Start ${validations.length} jobs` : "Start"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
