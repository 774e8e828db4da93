"""Flask-free builders of what the browser gets: the map script, styles, palette, feeds."""
