import { RefreshCw } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ValidationDialog, type FolderValidation } from "@/components/ValidationDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input, Label, Select } from "@/components/ui/input";
import { useIngestionProgress } from "@/hooks/useIngestionProgress";
import { api } from "@/lib/api";
import type { DatasetPreset, IngestionParameters, ModelFolder } from "@/lib/types";
import { formatNumber } from "@/lib/utils";

const custom = "custom";

const folder = (validation: FolderValidation | undefined) => validation?.folder ?? "";

/** `https://huggingface.co/datasets/owner/name` (or `owner/name`) as the job's `hubUrl` and `dataset`. */
export function parseDatasetUrl(text: string): { dataset: string; hubUrl: string | null } | null {
  const value = text.trim();
  if (/^[\w.-]+\/[\w.-]+$/.test(value)) return { dataset: value, hubUrl: null };
  try {
    const url = new URL(value);
    const match = /^\/datasets\/([\w.-]+\/[\w.-]+)/.exec(url.pathname);
    return match ? { dataset: match[1]!, hubUrl: url.origin } : null;
  } catch {
    return null;
  }
}

function Toggle({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <div className="flex items-center gap-2">
      <Checkbox id={id} checked={checked} onCheckedChange={(v) => onChange(v === true)} />
      <Label htmlFor={id}>{label}</Label>
    </div>
  );
}

/** Choose a dataset and model folders, set the options, validate, start: one job per selected folder. */
export function IngestionForm({ onStarted }: { onStarted: (jobIds: string[]) => void }) {
  const { start } = useIngestionProgress(null);
  const [presets, setPresets] = useState<DatasetPreset[]>([]);
  const [presetId, setPresetId] = useState<string>("");
  const [customUrl, setCustomUrl] = useState("");
  const [folders, setFolders] = useState<ModelFolder[] | null>(null);
  const [foldersError, setFoldersError] = useState<string | null>(null);
  const [loadingFolders, setLoadingFolders] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [limit, setLimit] = useState("");
  const [delayMs, setDelayMs] = useState("");
  const [concurrency, setConcurrency] = useState("");
  const [dryRun, setDryRun] = useState(false);
  const [forceOverwrite, setForceOverwrite] = useState(false);
  const [verbose, setVerbose] = useState(false);
  const [validations, setValidations] = useState<FolderValidation[] | null>(null);
  const [validating, setValidating] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    api
      .presets()
      .then(({ presets }) => {
        setPresets(presets);
        setPresetId((current) => current || presets[0]?.id || custom);
      })
      .catch((e: Error) => setFoldersError(e.message));
  }, []);

  const source = useMemo(() => {
    if (presetId === custom) {
      const parsed = parseDatasetUrl(customUrl);
      return parsed ? { ...parsed, localPath: null, source: null } : null;
    }

    const preset = presets.find((p) => p.id === presetId);
    return preset ? { dataset: preset.dataset, hubUrl: preset.hubUrl, localPath: preset.localPath, source: preset.source } : null;
  }, [presetId, customUrl, presets]);

  // Only the newest request's answer counts: typing a URL or switching presets quickly sends several.
  const foldersRequest = useRef(0);
  const loadFolders = useCallback(async () => {
    if (!source) return;
    const request = ++foldersRequest.current;
    setLoadingFolders(true);
    setFoldersError(null);
    try {
      const answer = await api.folders(source);
      if (request !== foldersRequest.current) return;
      setFolders(answer.folders);
      setSelected((current) => new Set([...current].filter((name) => answer.folders.some((f) => f.name === name))));
    } catch (e) {
      if (request !== foldersRequest.current) return;
      setFolders(null);
      setFoldersError((e as Error).message);
    } finally {
      if (request === foldersRequest.current) setLoadingFolders(false);
    }
  }, [source]);

  useEffect(() => {
    setFolders(null);
    setSelected(new Set());
    void loadFolders();
  }, [loadFolders]);

  // The task set: the preset's, else the one the pre-flight told from the name (kept with the run, shown in history).
  const parameters = (modelFolder: string, detectedSource?: string | null): IngestionParameters => ({
    dataset: source!.dataset,
    modelFolder,
    ...(source!.hubUrl ? { hubUrl: source!.hubUrl } : {}),
    ...(source!.localPath ? { localPath: source!.localPath } : {}),
    ...((source!.source ?? detectedSource) ? { source: (source!.source ?? detectedSource)! } : {}),
    ...(limit.trim() ? { limit: Number(limit) } : {}),
    ...(delayMs.trim() ? { delayMs: Number(delayMs) } : {}),
    ...(concurrency.trim() ? { concurrency: Number(concurrency) } : {}),
    dryRun,
    forceOverwrite,
    verbose,
  });

  const validate = async () => {
    setValidating(true);
    setStartError(null);
    const results = await Promise.all(
      [...selected].sort().map(async (folder): Promise<FolderValidation> => {
        try {
          return { folder, result: await api.validate(parameters(folder)), error: null };
        } catch (e) {
          return { folder, result: null, error: (e as Error).message };
        }
      }),
    );
    setValidations(results);
    setValidating(false);
  };

  // One job per folder. If one start is refused, the ones started before it run on: they leave the dialog (so that
  // Start again does not start them twice) and the jobs list shows them.
  const startAll = async () => {
    setStarting(true);
    setStartError(null);
    const ids: string[] = [];
    const left = [...validations!];
    try {
      while (left.length > 0) {
        const { folder, result } = left[0]!;
        ids.push(await start(parameters(folder, result?.source), folder));
        left.shift();
      }

      setValidations(null);
    } catch (e) {
      setValidations(left);
      setStartError(`${folder(left[0])}: ${(e as Error).message}`);
    } finally {
      setStarting(false);
      if (ids.length > 0) void loadFolders();
      if (left.length === 0) onStarted(ids);
    }
  };

  const toggle = (name: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  return (
    <Card data-testid="ingestion-form">
      <CardHeader>
        <CardTitle>New ingestion</CardTitle>
        <CardDescription>ARC-AGI submissions from a HuggingFace dataset (or the embedded generated one) into the store.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        <div className="grid gap-4 md:grid-cols-2">
          <div className="flex flex-col gap-2">
            <Label htmlFor="preset">Dataset</Label>
            <Select id="preset" value={presetId} onChange={(e) => setPresetId(e.target.value)} data-testid="preset">
              {presets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
              <option value={custom}>Custom dataset URL…</option>
            </Select>
          </div>
          {presetId === custom && (
            <div className="flex flex-col gap-2">
              <Label htmlFor="custom-url">Dataset URL</Label>
              <Input
                id="custom-url"
                placeholder="https://huggingface.co/datasets/owner/name"
                value={customUrl}
                onChange={(e) => setCustomUrl(e.target.value)}
              />
              {customUrl && !source && <p className="text-xs text-red-700">Not a dataset URL or owner/name.</p>}
            </div>
          )}
        </div>

        <div className="flex flex-col gap-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Label>Model folders</Label>
            <div className="flex gap-2">
              <Button variant="outline" size="sm" onClick={() => void loadFolders()} disabled={!source || loadingFolders} data-testid="refresh-folders">
                <RefreshCw className={loadingFolders ? "animate-spin" : ""} /> Refresh
              </Button>
              <Button
                variant="outline"
                size="sm"
                onClick={() => setSelected(new Set(folders?.filter((f) => f.ingestedAttempts === 0).map((f) => f.name)))}
                disabled={!folders?.length}
                data-testid="select-not-ingested"
              >
                Select not-ingested
              </Button>
              <Button variant="outline" size="sm" onClick={() => setSelected(new Set())} disabled={selected.size === 0} data-testid="clear-folders">
                Clear
              </Button>
            </div>
          </div>
          {foldersError && <p className="text-sm text-red-700" data-testid="folders-error">{foldersError}</p>}
          <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" data-testid="folders">
            {folders?.map((f) => (
              <label
                key={f.name}
                className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-200 p-2.5 hover:bg-slate-50"
                data-testid="folder"
                data-folder={f.name}
              >
                <Checkbox checked={selected.has(f.name)} onCheckedChange={(v) => toggle(f.name, v === true)} />
                <span className="min-w-0 flex-1 truncate text-sm">{f.name}</span>
                <Badge variant={f.ingestedAttempts > 0 ? "success" : "secondary"} data-testid="folder-ingested">
                  {f.ingestedAttempts > 0 ? `ingested ${formatNumber(f.ingestedAttempts)} attempts` : "not ingested"}
                </Badge>
              </label>
            ))}
            {folders?.length === 0 && <p className="text-sm text-slate-500">The dataset has no folders.</p>}
            {!folders && !foldersError && <p className="text-sm text-slate-500">Loading…</p>}
          </div>
        </div>

        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          <div className="flex flex-col gap-2">
            <Label htmlFor="limit">Limit (puzzles)</Label>
            <Input id="limit" type="number" min={1} placeholder="all" value={limit} onChange={(e) => setLimit(e.target.value)} />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="delay">Delay per puzzle (ms)</Label>
            <Input id="delay" type="number" min={0} placeholder="0" value={delayMs} onChange={(e) => setDelayMs(e.target.value)} />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="concurrency">Downloads at once</Label>
            <Input id="concurrency" type="number" min={1} max={32} placeholder="4" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
          </div>
          <div className="flex flex-col justify-end gap-2 lg:col-span-2">
            <div className="flex flex-wrap gap-x-6 gap-y-2 pb-2">
              <Toggle id="dry-run" label="Dry run" checked={dryRun} onChange={setDryRun} />
              <Toggle id="force-overwrite" label="Force overwrite" checked={forceOverwrite} onChange={setForceOverwrite} />
              <Toggle id="verbose" label="Verbose" checked={verbose} onChange={setVerbose} />
            </div>
          </div>
        </div>

        <div className="flex items-center gap-3">
          <Button onClick={() => void validate()} disabled={!source || selected.size === 0 || validating} data-testid="validate">
            {validating ? "Validating…" : selected.size > 1 ? `Validate ${selected.size} folders` : "Validate"}
          </Button>
          <span className="text-sm text-slate-500">{selected.size} selected</span>
        </div>
      </CardContent>

      {validations && (
        <ValidationDialog
          validations={validations}
          starting={starting}
          startError={startError}
          onStart={() => void startAll()}
          onClose={() => setValidations(null)}
        />
      )}
    </Card>
  );
}
