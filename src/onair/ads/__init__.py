"""Ad decisioning, VAST and delivery reporting."""

__all__: list[str] = []
