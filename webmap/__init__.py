"""webmap: alliances and military deployments around Belarus, Russia and NATO's eastern flank."""

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Give `webmap.create_app` without importing Flask for code that never serves."""
    if name == "create_app":
        from webmap.web.app import create_app

        return create_app
    raise AttributeError(name)
