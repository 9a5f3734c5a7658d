"""`flask seed-demo`: fill the database with the demo community."""
import click


@click.command("seed-demo")
@click.option("--once", is_flag=True, help="Do nothing when demo data is already present.")
def seed_demo(once: bool):
    """Seed the demo community."""
