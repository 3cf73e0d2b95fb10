import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { useLogin } from "../../api/session";
import { Button, Panel } from "../../design";

function reason(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return "That name and password do not match a user of this station.";
    if (error.status === 429) return `Too many wrong passwords: ${error.message}`;
    return error.message;
  }
  return "The station did not answer: check that onair serve is running.";
}

/** Sign in with a name and password; the session cookie does the rest. */
export function LoginScreen({ station }: { station?: string }) {
  const login = useLogin();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ name: name.trim(), password });
  };
  const field = "w-full rounded-md border-2 border-line bg-surface-sunken px-3 py-2 text-base text-text";
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <div className="w-full max-w-sm">
        <p className="mb-4 text-center font-mono text-sm uppercase tracking-[0.3em] text-muted">
          onair studio{station ? ` · ${station}` : ""}
        </p>
        <Panel title={<span>Sign in</span>}>
          <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
            <label className="flex flex-col gap-1 text-sm font-semibold">
              Name
              <input className={field} name="name" autoComplete="username" required autoFocus
                value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="flex flex-col gap-1 text-sm font-semibold">
              Password
              <input className={field} name="password" type="password" autoComplete="current-password"
                required value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            {login.isError ? (
              <p role="alert" className="rounded-md border-l-4 border-critical bg-surface-sunken p-2 text-sm">
                <span aria-hidden="true">✕ </span>{reason(login.error)}
              </p>
            ) : null}
            <Button type="submit" tone="primary" busy={login.isPending}
              disabled={login.isPending || !name.trim() || !password}>
              Sign in
            </Button>
          </form>
        </Panel>
      </div>
    </main>
  );
}
