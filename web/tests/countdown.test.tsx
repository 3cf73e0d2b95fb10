import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Countdown, countdownState } from "../src/design";

describe("a countdown", () => {
  it("warns from 10 s left and is critical from 5 s, counting whole seconds up", () => {
    expect(countdownState(10_001)).toBe("normal");
    expect(countdownState(10_000)).toBe("warn");
    expect(countdownState(5_001)).toBe("warn");
    expect(countdownState(5_000)).toBe("critical");
    expect(countdownState(1)).toBe("critical");
    expect(countdownState(0)).toBe("done");
    expect(countdownState(-3_000)).toBe("done");
  });

  it.each([
    [42_000, "normal", "−0:42", ""],
    [9_200, "warn", "−0:10", "▲ ending"],
    [4_500, "critical", "−0:05", "■ last seconds"],
  ])("with %i ms left it is %s, said in words beside the time", (left, state, digits, word) => {
    render(<Countdown label={`left ${left}`} until={1_000_000 + left} now={1_000_000} />);
    const timer = screen.getByRole("timer", { name: `left ${left}` });
    expect(timer.dataset.state).toBe(state);
    expect(timer.textContent).toContain(digits);
    expect(timer.textContent).toContain(word);
  });
});
