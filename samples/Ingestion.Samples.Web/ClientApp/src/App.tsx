import { Activity, History, LogOut, Play } from "lucide-react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { HistoryTable } from "@/components/HistoryTable";
import { IngestionForm } from "@/components/IngestionForm";
import { JobsList } from "@/components/JobsList";
import { LoginCard } from "@/components/LoginCard";
import { ProgressDialog } from "@/components/ProgressDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { IngestionContext, useConnectionStatus, type Ingestion } from "@/hooks/ingestionContext";
import { api, ApiError } from "@/lib/api";
import { isFinal, JobStore } from "@/lib/jobStore";
import { SignalRTransport } from "@/lib/signalrTransport";
import type { TransportName } from "@/lib/transport";
import { WebSocketTransport } from "@/lib/websocketTransport";
import { cn } from "@/lib/utils";

/** `?transport=websocket` (or the last choice) picks the raw WebSocket; SignalR otherwise. */
function initialTransport(): TransportName {
  const asked = new URLSearchParams(location.search).get("transport") ?? localStorage.getItem("transport");
  return asked === "websocket" ? "websocket" : "signalr";
}

const jobInHash = () => /^#job=([0-9a-f]{32})$/.exec(location.hash)?.[1] ?? null;

/**
 * After every (re)connect: what the page may have missed while it was away. Live jobs from the host; jobs it showed as
 * running that the host no longer runs (it restarted: the store has them, interrupted); and the interrupted runs in the
 * store, which Resume continues.
 */
async function resync(store: JobStore) {
  const live = await api.liveJobs();
  const liveIds = new Set(live.map((job) => job.id));
  for (const job of live) store.applyJob(job);
  for (const view of store.jobs()) {
    if (!liveIds.has(view.id) && !isFinal(view.job!.state)) {
      const asOf = store.updatesOf(view.id);
      await api.job(view.id).then((job) => store.applyStored(job, asOf), () => {});
    }
  }

  const asOf = new Map(store.jobs().map((view) => [view.id, store.updatesOf(view.id)]));
  const interrupted = await api.history({ states: ["interrupted"], limit: 20 });
  for (const job of interrupted.items) if (!liveIds.has(job.id)) store.applyStored(job, asOf.get(job.id) ?? 0);
}

function ConnectionBadge() {
  const status = useConnectionStatus();
  const variant = status === "connected" ? "success" : status === "stopped" ? "danger" : "warning";
  const label = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", stopped: "Disconnected" }[status];
  return (
    <Badge variant={variant} data-testid="connection-status" data-status={status}>
      {label}
    </Badge>
  );
}

function Dashboard({ transport: name, onTransport, onSignOut }: { transport: TransportName; onTransport: (name: TransportName) => void; onSignOut: () => void }) {
  const ingestion = useMemo<Ingestion>(() => {
    const store = new JobStore();
    return { store, transport: name === "signalr" ? new SignalRTransport(store) : new WebSocketTransport(store) };
  }, [name]);
  const [openJob, setOpenJob] = useState<string | null>(jobInHash);
  const [historyVersion, setHistoryVersion] = useState(0);
  const [tab, setTab] = useState("ingest");

  useEffect(() => {
    const { store, transport } = ingestion;
    const offStatus = transport.onStatus((status) => {
      if (status === "connected") void resync(store).catch(() => {});
    });
    const offStopped = store.onJobStopped(() => setHistoryVersion((v) => v + 1));
    void transport.start();
    return () => {
      offStatus();
      offStopped();
      void transport.stop();
    };
  }, [ingestion]);

  const open = useCallback((jobId: string | null) => {
    setOpenJob(jobId);
    history.replaceState(null, "", jobId ? `#job=${jobId}` : `${location.pathname}${location.search}`);
    if (!jobId) setHistoryVersion((v) => v + 1);
  }, []);

  return (
    <IngestionContext.Provider value={ingestion}>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 p-4 md:p-8">
        <header className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3">
            <Activity className="size-6" />
            <div>
              <h1 className="text-xl font-semibold">Ingestion dashboard</h1>
              <p className="text-sm text-slate-500">Ingestion.Core web sample</p>
            </div>
          </div>
          <div className="flex items-center gap-3">
            <ConnectionBadge />
            <div className="flex rounded-md border border-slate-300 bg-white p-0.5 text-xs" role="group" aria-label="Transport">
              {(["signalr", "websocket"] as const).map((t) => (
                <button
                  key={t}
                  type="button"
                  onClick={() => onTransport(t)}
                  data-testid={`transport-${t}`}
                  aria-pressed={name === t}
                  className={cn("rounded px-2 py-1", name === t ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100")}
                >
                  {t === "signalr" ? "SignalR" : "WebSocket"}
                </button>
              ))}
            </div>
            <Button variant="ghost" size="sm" onClick={onSignOut} data-testid="sign-out">
              <LogOut /> Sign out
            </Button>
          </div>
        </header>

        <Tabs value={tab} onValueChange={setTab}>
          <TabsList>
            <TabsTrigger value="ingest" data-testid="tab-ingest">
              <Play className="size-3.5" /> Ingest
            </TabsTrigger>
            <TabsTrigger value="history" data-testid="tab-history">
              <History className="size-3.5" /> History
            </TabsTrigger>
          </TabsList>
          <TabsContent value="ingest" forceMount className="data-[state=inactive]:hidden">
            <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
              <IngestionForm onStarted={(ids) => open(ids[0] ?? null)} />
              <JobsList onOpen={open} />
            </div>
          </TabsContent>
          <TabsContent value="history" forceMount className="data-[state=inactive]:hidden">
            <HistoryTable version={historyVersion} onOpen={open} />
          </TabsContent>
        </Tabs>
      </div>
      {openJob && <ProgressDialog key={openJob} jobId={openJob} onClose={() => open(null)} />}
    </IngestionContext.Provider>
  );
}

export function App() {
  const [session, setSession] = useState<"checking" | "signed-out" | "signed-in">("checking");
  const [transport, setTransport] = useState<TransportName>(initialTransport);

  useEffect(() => {
    api.liveJobs().then(
      () => setSession("signed-in"),
      (e: unknown) => setSession(e instanceof ApiError && e.unauthorized ? "signed-out" : "signed-in"),
    );
  }, []);

  const choose = (name: TransportName) => {
    localStorage.setItem("transport", name);
    setTransport(name);
  };

  if (session === "checking") return null;
  if (session === "signed-out") return <LoginCard onSignedIn={() => setSession("signed-in")} />;
  return (
    <Dashboard
      transport={transport}
      onTransport={choose}
      onSignOut={() => void api.signOut().finally(() => setSession("signed-out"))}
    />
  );
}
