// Who is signed in. A visitor whose browser holds no session token is known
// to be anonymous without asking; otherwise GET /me tells (401: anonymous).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { ApiError, mayHaveSession } from '../api/client';
import { api } from '../api/endpoints';
import type { User } from '../api/types';

export type SessionState =
  | { status: 'loading'; user: null }
  | { status: 'anonymous'; user: null }
  | { status: 'signed-in'; user: User };

export interface Session {
  state: SessionState;
  signIn(email: string, password: string): Promise<User>;
  signOut(): Promise<void>;
  // After a change of the profile (the locale, ...).
  setUser(user: User): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionState }) {
  const [state, setState] = useState<SessionState>(initial ?? { status: 'loading', user: null });

  useEffect(() => {
    if (initial) return;
    if (!mayHaveSession()) {
      setState({ status: 'anonymous', user: null });
      return;
    }
    const abort = new AbortController();
    api
      .me(abort.signal)
      .then((user) => setState({ status: 'signed-in', user }))
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setState({ status: 'anonymous', user: null });
      });
    return () => abort.abort();
  }, [initial]);

  const signIn = useCallback(async (email: string, password: string) => {
    const result = await api.login(email, password);
    setState({ status: 'signed-in', user: result.user });
    return result.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch (err) {
      // An expired session is signed out already.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    setState({ status: 'anonymous', user: null });
  }, []);

  const setUser = useCallback((user: User) => setState({ status: 'signed-in', user }), []);

  const value = useMemo(() => ({ state, signIn, signOut, setUser }), [state, signIn, signOut, setUser]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
