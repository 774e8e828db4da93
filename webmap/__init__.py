"""webmap: alliances and military deployments around Belarus, Russia and NATO's eastern flank."""

from webmap.app import create_app

__all__ = ["create_app"]
