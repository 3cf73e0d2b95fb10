import { useCallback, useEffect, useState } from "react";

export type Theme = "dark" | "light";
const KEY = "onair.theme";

function stored(): Theme {
  return window.localStorage.getItem(KEY) === "light" ? "light" : "dark";
}

/** The studio's theme: dark by default, light when chosen; kept in this browser. */
export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    window.localStorage.setItem(KEY, theme);
  }, [theme]);
  const toggle = useCallback(() => setTheme((t) => (t === "dark" ? "light" : "dark")), []);
  return [theme, toggle];
}
