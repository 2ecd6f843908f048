import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { JobState } from "@/lib/types";

const looks: Record<JobState, { label: string; variant: BadgeVariant }> = {
  queued: { label: "Queued", variant: "secondary" },
  running: { label: "Running", variant: "info" },
  pausing: { label: "Pausing…", variant: "warning" },
  paused: { label: "Paused", variant: "warning" },
  completed: { label: "Completed", variant: "success" },
  cancelled: { label: "Cancelled", variant: "secondary" },
  failed: { label: "Failed", variant: "danger" },
  interrupted: { label: "Interrupted", variant: "danger" },
};

export function StateBadge({ state }: { state: JobState | null | undefined }) {
  if (!state) return null;
  const look = looks[state];
  return (
    <Badge variant={look.variant} data-testid="job-state" data-state={state}>
      {look.label}
    </Badge>
  );
}

export const barColour = (state: JobState | null | undefined) =>
  state === "paused" || state === "pausing"
    ? "bg-amber-500"
    : state === "failed" || state === "interrupted"
      ? "bg-red-500"
      : state === "completed"
        ? "bg-emerald-600"
        : "bg-slate-900";
