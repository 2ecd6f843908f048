import * as ProgressPrimitive from "@radix-ui/react-progress";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/** `value` 0–100, or null for an unknown total (an indeterminate bar). */
export function Progress({ className, value, indicatorClassName, ...props }: ComponentProps<typeof ProgressPrimitive.Root> & { indicatorClassName?: string }) {
  return (
    <ProgressPrimitive.Root
      className={cn("relative h-3 w-full overflow-hidden rounded-full bg-slate-200", className)}
      value={value}
      max={100}
      {...props}
    >
      <ProgressPrimitive.Indicator
        className={cn("h-full bg-slate-900 transition-[width] duration-200", value == null && "w-1/3 animate-pulse", indicatorClassName)}
        style={value == null ? undefined : { width: `${Math.min(100, Math.max(0, value))}%` }}
      />
    </ProgressPrimitive.Root>
  );
}
