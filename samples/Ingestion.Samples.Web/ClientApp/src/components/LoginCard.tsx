import { KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { api } from "@/lib/api";

/** The admin API key, exchanged once for the host's session cookie (`POST /api/session`). */
export function LoginCard({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(key.trim());
      onSignedIn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex min-h-screen items-center justify-center p-4">
      <Card className="w-full max-w-md" data-testid="login">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <KeyRound className="size-4" /> Sign in
          </CardTitle>
          <CardDescription>
            The dashboard controls jobs, so it wants the host's admin API key. The web sample prints it when it starts
            (or set <code>Sample:ApiKey</code>).
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="flex flex-col gap-3" onSubmit={(e) => void submit(e)}>
            <Label htmlFor="api-key">API key</Label>
            <Input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} data-testid="api-key" />
            {error && (
              <p className="text-sm text-red-700" role="alert" data-testid="login-error">
                {error}
              </p>
            )}
            <Button type="submit" disabled={busy || key.trim() === ""} data-testid="sign-in">
              {busy ? "Signing in…" : "Sign in"}
            </Button>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
