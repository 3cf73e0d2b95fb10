import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { sessionKey, useSession } from "../api/session";
import { ToastProvider } from "../design";
import { ListenPage } from "../features/listen/ListenPage";
import { LoginScreen } from "../features/login/LoginScreen";
import { OnAirScreen } from "../features/onair/OnAirScreen";
import { LiveProvider } from "../live";
import { Shell } from "./Shell";

function Studio() {
  const session = useSession();
  if (session.isPending) return <p className="p-8 text-muted">Loading the studio…</p>;
  if (session.isError) {
    return <p role="alert" className="p-8">The station did not answer: {session.error.message}</p>;
  }
  if (session.data === null) return <LoginScreen />;
  return (
    <LiveProvider>
      <Shell session={session.data}>
        <OnAirScreen role={session.data.role} />
      </Shell>
    </LiveProvider>
  );
}

export function App() {
  const [client] = useState(() => {
    // A 401 anywhere means the session ended (expired, signed out elsewhere): back to sign-in.
    const ended = (error: Error) => {
      if (error instanceof ApiError && error.status === 401) void made.invalidateQueries({ queryKey: sessionKey });
    };
    const made: QueryClient = new QueryClient({
      queryCache: new QueryCache({ onError: ended }),
      mutationCache: new MutationCache({ onError: ended }),
      defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } },
    });
    return made;
  });
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        {window.location.pathname === "/listen" ? <ListenPage /> : <Studio />}
      </ToastProvider>
    </QueryClientProvider>
  );
}
