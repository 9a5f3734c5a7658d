"""`flask matching rebuild` and `flask matching eval`: the matching index from the command line."""
import json
import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from community.suggestions import engine as matching

matching_group = AppGroup("matching", help="The matching index behind suggestions and search.")
PROGRESS_FROM = 500
"""Needs from which `eval` shows a progress bar (on stderr, so --json output stays clean)."""


@matching_group.command("rebuild")
@click.option("--if-missing", is_flag=True, help="Do nothing when a usable snapshot exists.")
def rebuild(if_missing: bool):
    """Build the index from the database and save a snapshot for every process to load."""
    if if_missing and matching.usable_snapshot() is not None:
        click.echo(_("A snapshot of the matching index exists; nothing to do."))
        return
    change_id = matching.latest_change_id()
    total, records = matching.database_records()
    with click.progressbar(records, length=total, label=_("Indexing"), file=sys.stderr) as progress:
        snapshot = matching.save_snapshot(progress, change_id)
    click.echo(_("Indexed %(records)s records into %(directory)s (changes up to %(change)s).",
                 records=snapshot.records, directory=snapshot.directory, change=change_id))


def _format_score(score: float) -> str:
    return f"{score:.3f}"


@matching_group.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Matches shown per need.")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per need ({"id", "matches": [{"id", "score", "terms"}]}), then '
                   '{"evaluation": {...}} when the file has labels.')
def evaluate(path: str, k: int, as_json: bool):
    """Index the records of a JSONL file alone and show the best offers for each need.

    Where records carry labels, also print MAP@10, P@5 and nDCG@10 (needs rank the offers of
    other owners; relevant means the same label).
    """
    try:
        result = matching.evaluate_file(path)
    except matching.RecordFormatError as error:
        raise click.ClickException(_("%(path)s: line %(line)s: %(reason)s", path=path, line=error.line,
                                     reason=error.reason)) from None
    with click.progressbar(result.needs, label=_("Matching"), file=sys.stderr,
                           hidden=len(result.needs) < PROGRESS_FROM) as needs:
        for need in needs:
            matches = result.matches(need, k)
            if as_json:
                click.echo(json.dumps({"id": need.id, "matches": [
                    {"id": m.id, "score": round(m.score, 4), "terms": list(m.terms)} for m in matches
                ]}, ensure_ascii=False))
            else:
                _print_need(need, matches)
    metrics = result.metrics()
    if metrics is None:
        return
    if as_json:
        click.echo(json.dumps({"evaluation": metrics}))
    else:
        click.echo(_("MAP@10 %(map)s   P@5 %(p5)s   nDCG@10 %(ndcg)s   (%(n)s labelled needs)",
                     map=f"{metrics['map_at_10']:.3f}", p5=f"{metrics['p_at_5']:.3f}",
                     ndcg=f"{metrics['ndcg_at_10']:.3f}", n=metrics["queries"]))


def _print_need(need, matches) -> None:
    click.echo(f"{need.id}  {need.title or need.text[:60]}")
    if not matches:
        click.echo("    " + _("(no match)"))
    for rank, match in enumerate(matches, start=1):
        click.echo(f"  {rank:>3}. {match.id:<24} {_format_score(match.score)}  {', '.join(match.terms)}")
    click.echo("")
