"""docs/cli.md's reference is every command's --help as the command line prints it, written by cog:
it is checked here, so that a command whose help changes without the reference being written again
(`cog -r docs/cli.md`) fails the tests instead of leaving the documentation behind."""

import io
from pathlib import Path

import click
import pytest
from cogapp import Cog

from assistant.channels.cli import cli

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def check() -> tuple[int, str]:
    """cog's check of the reference, run in this process: its exit status and what it printed."""
    out = io.StringIO()
    cog = Cog()
    cog.set_output(stdout=out, stderr=out)
    status = cog.main(
        ["cog", "--check", "--diff", "--check-fail-msg", "run .venv/bin/cog -r docs/cli.md", str(REFERENCE)]
    )
    return status, out.getvalue()


def test_the_reference_is_every_commands_help_as_printed():
    status, printed = check()
    assert status == 0, printed


def changed_description(monkeypatch):
    monkeypatch.setattr(cli.commands["ask"], "help", "Ask one question and print the answer, more politely.")


def changed_option(monkeypatch):
    tenant = next(p for p in cli.commands["ledger"].params if p.name == "tenant")
    monkeypatch.setattr(tenant, "help", "Only this vendor's accounts.")


def new_subcommand(monkeypatch):
    monkeypatch.setitem(
        cli.commands["requests"].commands,
        "purge",
        click.Command("purge", help="Delete the requests older than a year."),
    )


@pytest.mark.parametrize("change", [changed_description, changed_option, new_subcommand])
def test_a_help_changed_without_writing_the_reference_again_fails_the_check(monkeypatch, change):
    change(monkeypatch)
    status, printed = check()
    assert status == 5, printed
    assert "Check failed: run .venv/bin/cog -r docs/cli.md" in printed
