import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export const Input = ({ className, ...props }: ComponentProps<"input">) => (
  <input
    className={cn(
      "h-9 w-full rounded-md border border-slate-300 bg-white px-3 py-1 text-sm shadow-sm placeholder:text-slate-400 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-50",
      className,
    )}
    {...props}
  />
);

export const Select = ({ className, ...props }: ComponentProps<"select">) => (
  <select
    className={cn(
      "h-9 w-full rounded-md border border-slate-300 bg-white px-3 py-1 text-sm shadow-sm focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none",
      className,
    )}
    {...props}
  />
);

export const Label = ({ className, ...props }: ComponentProps<"label">) => (
  <label className={cn("text-sm font-medium leading-none text-slate-700", className)} {...props} />
);
