"""Click's own words (Usage:, Options, Error: …), marked so that `make messages` puts them in the
catalogues; Click asks Python's gettext for them, which the commands point at the catalogues."""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager

from webmap.record.languages import N_, TRANSLATIONS

CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("Aborted!"),
)


@contextmanager
def click_words_in(lang: str) -> Iterator[None]:
    """Let Click's words come from the catalogues in lang while a command runs."""
    gettext.bindtextdomain(gettext.textdomain(), str(TRANSLATIONS))
    saved = os.environ.get("LANGUAGE")
    os.environ["LANGUAGE"] = lang  # what Python's gettext reads first
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved


def use_language(lang: str) -> None:
    """Switch Click's words to lang (--lang, read while the command line is parsed)."""
    os.environ["LANGUAGE"] = lang
