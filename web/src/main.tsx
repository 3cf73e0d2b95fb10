import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import "./design/tokens.css";

const theme = window.localStorage.getItem("onair.theme");
document.documentElement.dataset.theme = theme === "light" ? "light" : "dark";

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
