import { ArrowDownToLine } from "lucide-react";
import { memo, useLayoutEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { LogLine } from "@/lib/jobStore";
import { cn } from "@/lib/utils";

const levelColour: Record<LogLine["level"], string> = {
  trace: "text-slate-500",
  debug: "text-slate-400",
  information: "text-slate-200",
  warning: "text-amber-300",
  error: "text-red-400",
  critical: "text-red-400 font-semibold",
  gap: "text-sky-300 italic",
};

const Line = memo(function Line({ line }: { line: LogLine }) {
  const time = line.timestamp.slice(11, 19);
  return (
    <div className={cn("whitespace-pre-wrap break-words", levelColour[line.level])} data-seq={line.seq}>
      <span className="text-slate-500 select-none">{time} </span>
      {line.message}
      {line.exception && <span className="text-red-300"> — {line.exception}</span>}
    </div>
  );
});

/**
 * The job's log: follows the newest line while the view is at the bottom, stops following while the user scrolls up
 * (a button jumps back), and stays fast with thousands of lines because the store keeps only the newest ones (its cap)
 * and a line renders once.
 */
export function LogTerminal({ lines, dropped }: { lines: readonly LogLine[]; dropped: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);

  useLayoutEffect(() => {
    const element = ref.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [lines, follow]);

  const onScroll = () => {
    const element = ref.current!;
    setFollow(element.scrollHeight - element.scrollTop - element.clientHeight < 4);
  };

  return (
    <div className="relative">
      <div
        ref={ref}
        onScroll={onScroll}
        data-testid="log-terminal"
        data-following={follow}
        data-lines={lines.length}
        className="h-64 overflow-y-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5"
      >
        {dropped > 0 && <div className="text-slate-500 italic">{dropped.toLocaleString("en-US")} earlier lines not kept</div>}
        {lines.length === 0 && <div className="text-slate-500">No log lines yet.</div>}
        {lines.map((line) => (
          <Line key={line.key} line={line} />
        ))}
      </div>
      {!follow && (
        <Button
          size="sm"
          variant="secondary"
          className="absolute right-4 bottom-3 shadow"
          onClick={() => setFollow(true)}
          data-testid="log-follow"
        >
          <ArrowDownToLine /> Latest
        </Button>
      )}
    </div>
  );
}
