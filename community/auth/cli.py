"""`flask users ...`: create accounts and personal API tokens."""
import click


@click.group()
def users():
    """Manage user accounts."""
