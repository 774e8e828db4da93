"""The Flask layer: app, views, security, caching and the static site."""
