"""`webmap run`: Flask's development server command, with its help written for a teacher and
in the catalogues (Flask's own help is English and speaks to developers)."""

from __future__ import annotations

import copy

import click

from webmap.record.languages import N_

RUN_HELP = N_(
    "Start the map on this computer, at http://127.0.0.1:5000 (or the --host and --port "
    "given).\n\n"
    "Enough for a lesson on one computer or a small school network; for a public site use "
    "`make serve` (see Deploying in the README). Stop it with Ctrl+C."
)
RUN_SHORT_HELP = N_("Start the map on this computer.")
DEBUG_HELP = N_("Developer mode: restart when the code changes and show errors in detail.")
OPTION_HELP = {
    "debug": DEBUG_HELP,
    "host": N_(
        "The address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: every "
        "computer of the network)."
    ),
    "port": N_("The port to listen on (default 5000)."),
    "cert": N_("A certificate file, to serve the map over HTTPS."),
    "key": N_("The key file of that certificate."),
    "reload": N_("Restart when the code changes (on with --debug)."),
    "debugger": N_("Show errors in detail in the browser (on with --debug; never on a network)."),
    "with_threads": N_("Answer several requests at once (on unless turned off)."),
    "extra_files": N_("Also restart when these files change (separated by ':')."),
    "exclude_patterns": N_("Files that never cause a restart (patterns separated by ':')."),
}


def translated_run(run_command: click.Command, help_class: type) -> click.Command:
    """Return Flask's run command with our help texts, shown through help_class's language."""
    run = copy.copy(run_command)
    run.__class__ = type("RunCommand", (help_class, type(run_command)), {})
    run.help, run.short_help = RUN_HELP, RUN_SHORT_HELP
    run.params = [copy.copy(param) for param in run_command.params]
    for param in run.params:
        if param.name in OPTION_HELP:
            param.help = OPTION_HELP[param.name]  # type: ignore[attr-defined]
    return run
