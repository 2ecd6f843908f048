import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { JobStore } from "@/lib/jobStore";
import type { ConnectionStatus, Transport } from "@/lib/transport";

export interface Ingestion {
  store: JobStore;
  transport: Transport;
}

export const IngestionContext = createContext<Ingestion | null>(null);

export function useIngestion(): Ingestion {
  const value = useContext(IngestionContext);
  if (!value) throw new Error("useIngestion needs an IngestionContext provider.");
  return value;
}

export function useConnectionStatus(): ConnectionStatus {
  const { transport } = useIngestion();
  const subscribe = useCallback((listener: () => void) => transport.onStatus(listener), [transport]);
  return useSyncExternalStore(subscribe, () => transport.status);
}

/** Every job the page knows, oldest first. */
export function useJobs() {
  const { store } = useIngestion();
  return useSyncExternalStore(store.subscribe, store.jobs);
}
