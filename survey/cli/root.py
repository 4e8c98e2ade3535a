"""The root of the ``survey`` command: the group every command registers on, ``make_app``,
the ``--data`` option and the one way a command reports a user's mistake: any ``SurveyError``
(``CommandError`` is one) that leaves a command is « Erreur : » and its French message on
stderr, exit 1, no traceback, whichever layer raised it.

A leaf: it imports no command, so the command modules can import it without a circle
(``survey/cli/__init__.py`` imports them all so that they register). Not named ``main.py``:
the package exposes the group as ``survey.cli.main`` and a module of that name would be
hidden behind it."""

from __future__ import annotations

import click

from .. import create_app
from ..config import DEFAULTS, ENVIRONMENT
from ..model.errors import SurveyError

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    envvar=next(name for name, key in ENVIRONMENT.items() if key == "DATA_DIR"),
    default=DEFAULTS["DATA_DIR"],
    show_default=True,
    help="Dossier des données.",
)


class CommandError(SurveyError, click.ClickException):
    """What the person typing must fix or know, said in French on stderr; the command exits 1.

    A command raises it for what only the command knows (a missing option, a file it cannot
    write); a ``SurveyError`` from below needs no wrapping (``SurveyGroup`` turns it into one).
    ``label`` starts the line: « Erreur » unless the command only refuses to go on
    (« Attention »)."""

    exit_code = 1

    def __init__(self, message: str, label: str = "Erreur") -> None:
        super().__init__(message)
        self.label = label

    def show(self, file=None) -> None:
        click.echo(f"{self.label} : {self.format_message()}", file=file, err=True)


class SurveyGroup(click.Group):
    """The ``survey`` group: a ``SurveyError`` raised by any command (or by a service it calls)
    is reported as a ``CommandError``, so every mistake is said one way and none shows a
    traceback. Wraps sub-groups too (``survey coordinator add``): they run inside this one."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CommandError:
            raise
        except SurveyError as error:
            raise CommandError(error.message) from None


def make_app(data_dir: str, **extra):
    """The app on ``data_dir``; a folder it cannot use is a ``DataFolderError`` (a
    ``SurveyError``: said in French by the group)."""
    return create_app({"DATA_DIR": data_dir, **extra})


def campaign_named(app, campaign_id: str):
    """The campaign a command names, or one message for every command that names one."""
    try:
        campaign = app.extensions["survey"].campaigns.get(campaign_id)
    except ValueError:  # not even the shape of an id
        campaign = None
    if campaign is None:
        raise CommandError(f"La campagne « {campaign_id} » n'existe pas ici. La liste : survey campaigns")
    return campaign


@click.group(cls=SurveyGroup, help="Porteur de parole : recueillir la parole des habitants.")
def main():
    pass
