"""The root of the ``survey`` command: the group every command registers on, ``make_app``,
the ``--data`` option and the one way a command reports a user's mistake.

A leaf: it imports no command, so the command modules can import it without a circle
(``survey/cli/__init__.py`` imports them all so that they register). Not named ``main.py``:
the package exposes the group as ``survey.cli.main`` and a module of that name would be
hidden behind it."""

from __future__ import annotations

import click

from .. import DataFolderError, create_app

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    envvar="SURVEY_DATA",
    default="data",
    show_default=True,
    help="Dossier des données.",
)


class CommandError(click.ClickException):
    """What the person typing must fix or know, said in French on stderr; the command exits 1.

    Every command reports its errors this way and only this way. ``label`` starts the line:
    « Erreur » unless the command only refuses to go on (« Attention »)."""

    exit_code = 1

    def __init__(self, message: str, label: str = "Erreur") -> None:
        super().__init__(message)
        self.label = label

    def show(self, file=None) -> None:
        click.echo(f"{self.label} : {self.format_message()}", file=file, err=True)


def make_app(data_dir: str, **extra):
    try:
        return create_app({"DATA_DIR": data_dir, **extra})
    except DataFolderError as exc:
        raise CommandError(str(exc)) from None


@click.group(help="Porteur de parole : recueillir la parole des habitants.")
def main():
    pass
